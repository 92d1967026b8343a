// LiPhase benchmark harness (Benchmarks/README.md). Every number is a median over repetitions,
// printed with its range as a "RESULT {json}" line by the root rank; Benchmarks/run.sh runs the
// whole set and Benchmarks/tables.py makes the README's tables from those lines.
//
//   liphase-bench stream [--mib 256] [--repetitions 7]
//   liphase-bench kernels DECK [--cells NX NY [NZ]] [--repetitions 7] [--mib 256]
//   liphase-bench step DECK [--cells NX NY [NZ]] [--steps 10] [--repetitions 5] [--warmup 3] [--label TEXT]
//   liphase-bench growth DECK [--sizes 64,128,256,512,1024] [--steps 5] [--repetitions 5]
//   liphase-bench solver [N] [--repetitions 5]
//   liphase-bench reference BINARY [NX NY]      (the C relaxation kernel, timed here)
import Foundation
import LiPhaseParallel

let world = Communicator.world()

struct Options {
    var positional: [String] = []
    var values: [String: [String]] = [:]
    init(_ arguments: ArraySlice<String>) {
        var key: String?
        for argument in arguments {
            if argument.hasPrefix("--") {
                let name = String(argument.dropFirst(2))
                key = name
                values[name] = []
            } else if let current = key {
                values[current, default: []].append(argument)
            } else {
                positional.append(argument)
            }
        }
    }
    func int(_ key: String, _ fallback: Int) throws -> Int {
        guard let text = values[key]?.first else { return fallback }
        guard let value = Int(text), value > 0 else { throw BenchmarkError("--\(key) must be a positive integer, got '\(text)'") }
        return value
    }
    func ints(_ key: String) throws -> [Int]? {
        guard let list = values[key] else { return nil }
        let parts = list.flatMap { $0.split(separator: ",").map(String.init) }
        let numbers = parts.compactMap { Int($0) }.filter { $0 > 0 }
        guard numbers.count == parts.count, !numbers.isEmpty else { throw BenchmarkError("--\(key) takes positive integers, got '\(list.joined(separator: " "))'") }
        return numbers
    }
}

func usage() -> Never {
    if world.isRoot { print("usage: liphase-bench stream|kernels DECK|step DECK|growth DECK|solver [N]|reference BINARY  (see Benchmarks/README.md)") }
    MPIEnvironment.finalize()
    exit(64)
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else { usage() }
let options = Options(arguments.dropFirst(2))
do {
    switch arguments[1] {
    case "stream":
        let mebibytes = try options.int("mib", 256), repetitions = try options.int("repetitions", 7)
        let sample = streamTriad(world: world, mebibytes: mebibytes, repetitions: repetitions)
        report(world, ["benchmark": "stream", "mebibytes_per_array": mebibytes, "bytes_per_second": sample.median,
                       "low": sample.low, "high": sample.high, "repetitions": repetitions])
    case "kernels":
        guard let deck = options.positional.first else { usage() }
        try kernelBenchmark(world: world, deckPath: deck, cells: try options.ints("cells"), repetitions: try options.int("repetitions", 7),
                            streamMebibytes: try options.int("mib", 256))
    case "step":
        guard let deck = options.positional.first else { usage() }
        try stepBenchmark(world: world, deckPath: deck, cells: try options.ints("cells"), steps: try options.int("steps", 10),
                          repetitions: try options.int("repetitions", 5), warmup: try options.int("warmup", 3),
                          label: options.values["label"]?.joined(separator: " ") ?? "step")
    case "growth":
        guard let deck = options.positional.first else { usage() }
        for size in try options.ints("sizes") ?? [64, 128, 256, 512, 1024] {
            try stepBenchmark(world: world, deckPath: deck, cells: [size, size], steps: try options.int("steps", 5),
                              repetitions: try options.int("repetitions", 5), warmup: 3, label: "growth")
        }
    case "solver":
        let n = options.positional.first.flatMap { Int($0) } ?? 1024
        try solverBenchmark(world: world, n: n, repetitions: try options.int("repetitions", 5))
    case "reference":
        guard let binary = options.positional.first else { usage() }
        if world.isRoot {
            let size = options.positional.dropFirst().compactMap { Int($0) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = (size.count == 2 ? size.map(String.init) : ["2048", "1024"]) + [String(try options.int("repetitions", 7))]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            process.waitUntilExit()
            let output = String(data: pipe.fileHandleForReading.readDataToEndOfFile(), encoding: .utf8) ?? ""
            // "C relaxation NXxNY: median X M cell updates/s (range A-B) over R runs; …"
            let numbers = output.split(whereSeparator: { !"0123456789.".contains($0) }).compactMap { Double($0) }
            guard process.terminationStatus == 0, numbers.count >= 5 else { throw BenchmarkError("the reference kernel failed: \(output)") }
            report(world, ["benchmark": "reference", "kernel": "relaxation (C, gcc -O3 -march=native)", "cells": [Int(numbers[0]), Int(numbers[1])],
                           "cell_updates_per_second": numbers[2] * 1e6, "low": numbers[3] * 1e6, "high": numbers[4] * 1e6, "output": output.trimmingCharacters(in: .whitespacesAndNewlines)])
        }
    default:
        usage()
    }
} catch {
    if world.isRoot { print("liphase-bench: \(error)") }
    MPIEnvironment.finalize()
    exit(1)
}
MPIEnvironment.finalize()
