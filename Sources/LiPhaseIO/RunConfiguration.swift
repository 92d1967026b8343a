import Foundation
import LiPhaseParallel

/// A deck turned into typed settings in SI, after the checks that span several keys.
public struct RunConfiguration: Sendable {
    public enum Model: String, Sendable {
        case pfhub7a = "pfhub_7a"
        case electrodeposition
    }

    public let deck: Deck
    public let model: Model
    public let dimensions: Int
    public let cells: Index3
    /// Domain extent per axis in the model's length unit (m, or benchmark units for pfhub_7a).
    public let size: [Double]

    public let endTime: Double
    public let maximumStep: Double
    public let minimumStep: Double
    public let stepSafety: Double
    public let maximumSteps: Int?

    public internal(set) var outputDirectory: String
    public let outputEveryTime: Double?
    public let outputEverySteps: Int?
    public let timeSeriesEverySteps: Int
    public let progressInterval: Double

    public let checkpointEverySteps: Int
    public let checkpointEveryWallTime: Double
    public let checkpointsKept: Int

    public let temperature: Double
    /// The electrodeposition model's inputs (nil for other models).
    public let electrodeposition: ElectrodepositionSettings?

    /// Largest grid accepted: far beyond one machine, small enough that counts never overflow.
    public static let maximumCells = 1 << 40
    /// More field outputs than this is a mistake in the deck (and would fill any disk).
    public static let maximumOutputs = 100_000.0

    public init(deck: Deck) throws {
        var issues = deck.issues
        self.deck = deck
        model = Model(rawValue: deck.text("model") ?? "") ?? .pfhub7a
        dimensions = deck.integer("grid.dimensions") ?? 2
        let counts = deck.integers("grid.cells") ?? []
        if deck.isSet("grid.cells") && counts.count != dimensions && !deck.failed("grid.cells", "grid.dimensions", "grid") {
            issues.append(deck.issue("grid.cells", "has \(counts.count) entries but grid.dimensions is \(dimensions); give one cell count per dimension"))
        }
        let padded = (counts + [1, 1, 1]).prefix(3)
        cells = dimensions == 2 ? Index3(padded[0], padded[1], 1) : Index3(padded[0], padded[1], padded[2])
        let (total, overflow) = cells.x.multipliedReportingOverflow(by: cells.y)
        let (total3, overflow3) = total.multipliedReportingOverflow(by: cells.z)
        if overflow || overflow3 || total3 > Self.maximumCells {
            let count = Double(cells.x) * Double(cells.y) * Double(cells.z)
            issues.append(deck.issue("grid.cells", "\(cells.x)×\(cells.y)×\(cells.z) = \(String(format: "%.3g", count)) cells; the limit is 2^40 ≈ 1.1e12 cells"))
        }

        var electrodepositionSettings: ElectrodepositionSettings? = nil
        switch model {
        case .pfhub7a:
            if dimensions != 2 && !deck.failed("model") { issues.append(deck.issue("grid.dimensions", "pfhub_7a is a 2-D benchmark; set grid.dimensions: 2")) }
            if deck.isSet("grid.size") {
                issues.append(deck.issue("grid.size", "pfhub_7a has the fixed domain [0,1]×[0,0.5]; remove grid.size"))
            }
            for section in DeckSchema.electrodepositionSections {
                if let key = deck.values.keys.sorted().first(where: { $0.hasPrefix(section + ".") }) {
                    issues.append(deck.issue(key, "is read only by model 'electrodeposition'; pfhub_7a has no '\(section)' section"))
                }
            }
            size = [1.0, 0.5, 1.0]
        case .electrodeposition:
            let given = deck.reals("grid.size") ?? []
            if !deck.isSet("grid.size") && !deck.failed("grid.size", "grid") {
                issues.append(deck.issue("grid", "model 'electrodeposition' needs grid.size (domain extent per axis, e.g. [50 um, 25 um])"))
            } else if given.count != dimensions && !deck.failed("grid.size", "grid.dimensions", "grid") {
                issues.append(deck.issue("grid.size", "has \(given.count) entries but grid.dimensions is \(dimensions); give one length per dimension"))
            }
            let padded = Array((given + [1e-6, 1e-6, 1e-6]).prefix(3))
            let domain = dimensions == 2 ? [padded[0], padded[1], 1e-6] : padded
            size = domain
            let dims = dimensions
            if !deck.failed("grid.size", "grid.cells", "grid"), counts.count == dims, given.count == dims {
                let spacing = (0..<dims).map { domain[$0] / Double(counts[$0]) }
                if let low = spacing.min(), let high = spacing.max(), high > 1.01 * low {
                    issues.append(deck.issue("grid.cells", String(format: "gives cells of %@ µm; cells must be square (cubic) to 1 %%: adjust grid.cells or grid.size",
                                                                   spacing.map { String(format: "%g", $0 * 1e6) }.joined(separator: " × "))))
                }
            }
            electrodepositionSettings = ElectrodepositionSettings(deck: deck, size: domain, issues: &issues)
        }
        electrodeposition = electrodepositionSettings

        // A CCD ramp ends after its last step, or at time.end if that comes first.
        let ramp = electrodepositionSettings.flatMap { $0.mode == .ccdRamp ? $0.ramp : nil }
        endTime = Swift.min(deck.real("time.end") ?? 1, ramp?.duration ?? .infinity)
        maximumStep = deck.real("time.max_dt") ?? .infinity
        minimumStep = deck.real("time.min_dt") ?? 0
        stepSafety = deck.real("time.dt_safety") ?? 0.5
        maximumSteps = deck.integer("time.max_steps")
        if minimumStep >= maximumStep && !deck.failed("time.min_dt", "time.max_dt", "time") {
            if deck.isSet("time.min_dt") {
                issues.append(deck.issue("time.min_dt", "\(formatNumber(minimumStep)) s must be below time.max_dt = \(formatNumber(maximumStep)) s"))
            } else {
                issues.append(deck.issue("time.max_dt", "\(formatNumber(maximumStep)) s must be above time.min_dt (default \(formatNumber(minimumStep)) s); set time.min_dt below it as well"))
            }
        }

        outputDirectory = deck.text("output.directory") ?? "output"
        outputEverySteps = deck.integer("output.every_steps")
        outputEveryTime = deck.real("output.every_time") ?? (outputEverySteps == nil ? endTime / 10 : nil)
        if let every = outputEveryTime, deck.isSet("output.every_time"), endTime / every > Self.maximumOutputs, !deck.failed("time.end", "output.every_time") {
            issues.append(deck.issue("output.every_time", String(format: "%g s gives %.3g field outputs up to time.end; at most %.0f are allowed", every, endTime / every, Self.maximumOutputs)))
        }
        timeSeriesEverySteps = deck.integer("output.timeseries_every_steps") ?? 10
        progressInterval = deck.real("output.progress_interval") ?? 5

        checkpointEverySteps = deck.integer("checkpoint.every_steps") ?? 0
        checkpointEveryWallTime = deck.real("checkpoint.every_wall_time") ?? 0
        checkpointsKept = deck.integer("checkpoint.keep") ?? 3

        temperature = deck.real("temperature") ?? 298.15

        if !issues.isEmpty {
            // In file order; problems without a line (missing keys) come last. The sort is stable.
            let ordered = issues.enumerated().sorted { ($0.element.line ?? Int.max, $0.offset) < ($1.element.line ?? Int.max, $1.offset) }
            throw DeckErrors(issues: ordered.map(\.element))
        }
    }

    public var spacing: [Double] { (0..<3).map { $0 < dimensions ? size[$0] / Double(cells[$0]) : 1 } }

}
