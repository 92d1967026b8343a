#ifndef LIPHASE_SIGNALS_H
#define LIPHASE_SIGNALS_H
/// Installs handlers for SIGTERM and SIGUSR1 (what batch schedulers send before a time limit)
/// that only record the request; the run checks it at the next step boundary.
void liphase_install_stop_handlers(void);
/// The signal number received, or 0.
int liphase_stop_signal(void);
/// For tests: pretend a signal arrived.
void liphase_request_stop(int signal_number);
#endif
