/// Physical constants (CODATA 2018; F, R and k_B are exact in the 2019 SI).
public enum PhysicalConstants {
    public static let faraday = 96485.33212          // C/mol
    public static let gas = 8.314462618               // J/(mol·K)
    public static let boltzmann = 1.380649e-23        // J/K
    public static let avogadro = 6.02214076e23        // 1/mol
    /// f = F/(RT), 1/V.
    public static func inverseThermalVoltage(temperature: Double) -> Double { faraday / (gas * temperature) }
}
