import Foundation
import XCTest
import LiPhasePhysics
import LiPhaseGrid
import LiPhaseParallel

final class ButlerVolmerTests: XCTestCase {
    let kinetics = ButlerVolmer(exchangeCurrentDensity: ButlerVolmer.exchangeCurrentDensity(chargeTransferResistance: 2e-4, temperature: 298.15),
                                temperature: 298.15)

    func testExchangeCurrentMatchesMODELAndLinearSlopeIsOneOverRct() {
        // MODEL.md §10: R_ct = 2 Ω·cm² gives i₀ ≈ 12.8 mA/cm² = 128 A/m².
        XCTAssertEqual(kinetics.exchangeCurrentDensity, 128.5, accuracy: 0.1)
        XCTAssertEqual(kinetics.slope(overpotential: 0), 1 / 2e-4, accuracy: 1e-9 / 2e-4)
    }

    func testInverseMatchesTheClosedFormForSymmetricTransfer() {
        // With α_a = α_c = ½: i = 2 i₀ sinh(fη/2), so η = (2/f) asinh(i/(2 i₀)).
        for ratio in [-300.0, -10, -1, -0.01, 0.01, 1, 10, 300] {
            let i = ratio * kinetics.exchangeCurrentDensity
            let exact = 2 / kinetics.f * asinh(i / (2 * kinetics.exchangeCurrentDensity))
            XCTAssertEqual(kinetics.overpotential(forCurrent: i), exact, accuracy: 1e-12 * max(1, abs(exact)))
            XCTAssertEqual(kinetics.current(overpotential: exact), i, accuracy: 1e-10 * abs(i))
        }
    }

    func testAsymmetricTransferStillInverts() {
        var asymmetric = kinetics
        asymmetric.alphaAnodic = 0.3
        asymmetric.alphaCathodic = 0.7
        for i in [-5000.0, -3, 2, 800] {
            XCTAssertEqual(asymmetric.current(overpotential: asymmetric.overpotential(forCurrent: i)), i, accuracy: 1e-10 * abs(i))
        }
    }

    func testConcentrationShiftsTheEquilibriumByTheNernstPotential() {
        // i = 0 when e^(α_a fη) = c̃·e^(−α_c fη), i.e. η = ln(c̃)/f.
        for c in [0.1, 0.5, 2.0] {
            XCTAssertEqual(kinetics.overpotential(forCurrent: 0, concentration: c), log(c) / kinetics.f, accuracy: 1e-13)
        }
    }

    func testExtremeOverpotentialStaysFinite() {
        XCTAssertTrue(kinetics.current(overpotential: 1000).isFinite)
        XCTAssertTrue(kinetics.slope(overpotential: -1000).isFinite)
    }
}

final class MaterialLawTests: XCTestCase {
    func testArrheniusIsIdentityAtTheReferenceAndComposes() {
        let ea = 0.55 * 1.602176634e-19
        XCTAssertEqual(arrhenius(3.0, activationEnergy: ea, temperature: 298.15), 3.0)
        // Hand value: exp[(0.55 eV/k_B)(1/298.15 − 1/333.15)] = exp(6382.4 × 3.5236e-4) ≈ 9.48.
        XCTAssertEqual(arrhenius(1, activationEnergy: ea, temperature: 333.15), 9.48, accuracy: 0.01)
        let a = arrhenius(1, activationEnergy: ea, temperature: 310), b = arrhenius(1, activationEnergy: ea, temperature: 350)
        XCTAssertEqual(arrhenius(1, activationEnergy: ea, temperature: 350, referenceTemperature: 310), b / a, accuracy: 1e-12 * b / a)
        XCTAssertEqual(arrhenius(5, activationEnergy: 0, temperature: 400), 5)
    }

    func testPenetrationThresholdsMatchMODEL() {
        // MODEL.md §3: K_IC 1.25 (grain) and 0.44 (GB) MPa·m^½, a = 1 µm give about 85 and 30 mV.
        let omega = 12.97e-6
        let grain = penetrationThreshold(fractureToughness: 1.25e6, flawSize: 1e-6, molarVolume: omega)
        let boundary = penetrationThreshold(fractureToughness: 0.44e6, flawSize: 1e-6, molarVolume: omega)
        XCTAssertEqual(grain, 0.08464, accuracy: 5e-5)
        XCTAssertEqual(boundary, 0.02979, accuracy: 5e-5)
        XCTAssertEqual(grain / boundary, 1.25 / 0.44, accuracy: 1e-12)
    }

    func testRelaxedProfileHasEnergyGammaAndSolvesTheEulerLagrangeEquation() {
        let gamma = 0.5, width = 2e-6
        let p = PhaseFieldParameters(interfaceEnergy: gamma, width: width)
        let h = width / 2000
        var energy = 0.0, worstResidual = 0.0
        for n in -20000...20000 {
            let x = Double(n) * h
            let xi = p.profile(x, interface: 0)
            let slope = (p.profile(x + h, interface: 0) - p.profile(x - h, interface: 0)) / (2 * h)
            let curvature = (p.profile(x + h, interface: 0) - 2 * xi + p.profile(x - h, interface: 0)) / (h * h)
            energy += (0.5 * p.gradientCoefficient * slope * slope + p.barrierHeight * xi * xi * (1 - xi) * (1 - xi)) * h
            let wellForce = p.barrierHeight * 2 * xi * (1 - xi) * (1 - 2 * xi)
            worstResidual = max(worstResidual, abs(p.gradientCoefficient * curvature - wellForce))
        }
        XCTAssertEqual(energy, gamma, accuracy: 1e-6 * gamma)
        // Relative to the scale of each term, W = 12γ/ℓ = 3e6 J/m³.
        XCTAssertLessThan(worstResidual, 1e-4 * p.barrierHeight)
        XCTAssertEqual(p.profile(0, interface: 0), 0.5)
        XCTAssertEqual(p.profile(-width / 2, interface: 0), 0.5 * (1 + tanh(1)), accuracy: 1e-15)
    }

    func testConductivityLimitsAndCap() {
        XCTAssertEqual(ConductivityLaws.ionic(li: 0, void: 0, electrolyte: 0.1, floor: 1e-7), 0.1)
        XCTAssertEqual(ConductivityLaws.ionic(li: 1, void: 0, electrolyte: 0.1, floor: 1e-7), 1e-7)
        XCTAssertEqual(ConductivityLaws.electronic(li: 1, void: 0, lithium: 1e7, electrolyte: 1e-6, floor: 1e-12), 1e7)
        XCTAssertEqual(ConductivityLaws.electronic(li: 0, void: 1, lithium: 1e7, electrolyte: 1e-6, floor: 1e-12), 1e-12)
        XCTAssertEqual(ConductivityLaws.cappedLithium(1.1e7, largestOutside: 1e-4, capFactor: 1e6), 100)
        XCTAssertEqual(ConductivityLaws.contactShare(li: 0.5, void: 0.25), 0.5)
        XCTAssertEqual(ConductivityLaws.contactShare(li: 1, void: 0), 1)
    }

    /// Greenwood–Williamson with exponential asperity heights: full contact at no gap, half at
    /// w = σ·ln 2, and each further σ of gap divides it by e; a (rounding) negative gap is none.
    func testAsperityContactIsExponentialInTheGap() {
        let sigma = 0.2e-6
        XCTAssertEqual(AsperityContact.share(gap: 0, roughness: sigma), 1)
        XCTAssertEqual(AsperityContact.share(gap: -1e-15, roughness: sigma), 1)
        XCTAssertEqual(AsperityContact.share(gap: sigma * log(2), roughness: sigma), 0.5, accuracy: 1e-15)
        let one = AsperityContact.share(gap: 0.3e-6, roughness: sigma), two = AsperityContact.share(gap: 0.3e-6 + sigma, roughness: sigma)
        XCTAssertEqual(two / one, exp(-1), accuracy: 1e-15)
    }
}

final class NernstPlanckTests: XCTestCase {
    /// MODEL.md §7: with no current, c̃ relaxes to exp(−f·Δφ). A 1-D column holds a fixed,
    /// nonlinear potential (0.1 V across, curved) between no-flux walls; the steady c̃ must
    /// follow the Nernst distribution cell by cell to 1e-4, and the total amount of Li⁺ is conserved.
    func testNernstEquilibriumWithoutCurrent() throws {
        let n = 40, h = 1e-6
        let walls = BoundaryConditions(lower: [.neumann(0), .periodic, .periodic], upper: [.neumann(0), .periodic, .periodic])
        let grid = try DistributedGrid(geometry: GridGeometry(dimensions: 2, cells: Index3(n, 2, 1), spacing: [h, h, 1]), conditions: walls, world: testWorld)
        let c = grid.makeField("c", units: "1", value: 1), phi = grid.makeField("phi", units: "V")
        let d = grid.makeField("D", units: "m2/s", value: 3.18e-10), work = grid.makeField("w", units: "")
        for j in 0..<2 { for i in 0..<n {
            let x = Double(i) / Double(n - 1)
            phi[i, j, 0] = 0.1 * (x + 0.3 * sin(3 * x))
        } }
        let f = PhysicalConstants.inverseThermalVoltage(temperature: 300)
        let transport = NernstPlanckTransport(inverseThermalVoltage: f)
        let before = c.interiorValues().reduce(0, +)
        // Diffusion time over the column, L²/D = 5 s; 20 s relaxes it completely.
        for _ in 0..<20 { try transport.advance(concentration: c, potential: phi, diffusivity: d, source: nil, dt: 1, grid: grid, conditions: walls, work: work) }
        let after = c.interiorValues().reduce(0, +)
        XCTAssertEqual(after, before, accuracy: 1e-12 * before)
        var worst = 0.0
        for i in 0..<n {
            let expected = c[0, 0, 0] * exp(-f * (phi[i, 0, 0] - phi[0, 0, 0]))
            worst = max(worst, abs(c[i, 0, 0] / expected - 1))
        }
        print("Nernst equilibrium: largest relative deviation \(worst) over c̃ from \(c[0, 0, 0]) to \(c[n - 1, 0, 0])")
        XCTAssertLessThan(worst, 1e-4)
        // The profile is far from uniform: exp(−f·Δφ) spans a factor of ~30.
        XCTAssertGreaterThan(c[0, 0, 0] / c[n - 1, 0, 0], 10)
    }

    func testBernoulliFunctionIsAccurateNearZero() {
        for x in [1e-9, 1e-6, 1e-5, -3e-5, 1e-3, 0.5, -2, 30] {
            let exact = x / expm1(x)
            XCTAssertEqual(NernstPlanckTransport.bernoulli(x), exact, accuracy: 1e-12 * max(1, abs(exact)), "x = \(x)")
        }
        XCTAssertEqual(NernstPlanckTransport.bernoulli(0), 1)
    }

    /// δ_Γ = |∇p(ξ)|: p runs from 0 to 1 (so ∫δ_Γ = 1), is clamped outside [0, 1], and on the
    /// relaxed profile its gradient is the normalised h′(ξ) = 24ξ²(1−ξ)²/ℓ.
    func testInterfaceStepHasQuadraticTailsAndUnitJump() {
        XCTAssertEqual(ConductivityLaws.interfaceStep(0), 0)
        XCTAssertEqual(ConductivityLaws.interfaceStep(1), 1)
        XCTAssertEqual(ConductivityLaws.interfaceStep(-0.1), 0)
        XCTAssertEqual(ConductivityLaws.interfaceStep(1.2), 1)
        XCTAssertEqual(ConductivityLaws.interfaceStep(1e-4) / 1e-8, 3, accuracy: 1e-3, "p ≈ 3ξ² in the tail")
        let p = PhaseFieldParameters(interfaceEnergy: 0.5, width: 3e-6)
        for x in stride(from: -4e-6, through: 4e-6, by: 0.5e-6) {
            let h = 1e-10, xi = p.profile(x, interface: 0)
            let slope = abs(ConductivityLaws.interfaceStep(p.profile(x + h, interface: 0)) - ConductivityLaws.interfaceStep(p.profile(x - h, interface: 0))) / (2 * h)
            let normalisedHPrime = 24 * xi * xi * (1 - xi) * (1 - xi) / p.width
            XCTAssertEqual(slope, normalisedHPrime, accuracy: 1e-5 * 8 / p.width, "x = \(x)")
        }
    }
}

/// The nucleation law of MODEL.md §5 (docs/model.md, section (k)), pointwise.
final class NucleationLawTests: XCTestCase {
    let law = Nucleation(kinetics: ButlerVolmer(exchangeCurrentDensity: 128, temperature: 298.15), overpotential: 0.02,
                         grainThreshold: 0.085, boundaryThreshold: 0.030, width: 1.5e-6)

    /// Threshold η_nuc + η_pen(b) mixes the grain and boundary values linearly in b.
    func testThresholdMixesGrainAndBoundary() {
        XCTAssertEqual(law.threshold(boundary: 0), 0.105, accuracy: 1e-15)
        XCTAssertEqual(law.threshold(boundary: 1), 0.050, accuracy: 1e-15)
        XCTAssertEqual(law.threshold(boundary: 0.5), 0.0775, accuracy: 1e-15)
    }

    /// No current at or above the threshold; cathodic below; the slope is the derivative (central
    /// differences, error O(h²) ≈ 1e-9 relative at h = 1e-6 V), and both vanish at x = 0 (C¹).
    func testCurrentIsCathodicBelowTheThresholdAndContinuouslyDifferentiable() {
        XCTAssertEqual(law.current(excess: 0), 0)
        XCTAssertEqual(law.current(excess: 0.01), 0)
        XCTAssertEqual(law.slope(excess: 0.01), 0)
        for x in [-1e-4, -0.01, -0.05, -0.2] {
            XCTAssertLessThan(law.current(excess: x), 0)
            let h = 1e-6
            let numeric = (law.current(excess: x + h) - law.current(excess: x - h)) / (2 * h)
            XCTAssertEqual(law.slope(excess: x), numeric, accuracy: 1e-6 * abs(numeric))
        }
        // Near the threshold the onset is quadratic: i ≈ −i₀(α_c f x)²/2.
        let x = -1e-5, af = 0.5 * law.inverseThermalVoltage
        XCTAssertEqual(law.current(excess: x), -128 * (af * x) * (af * x) / 2, accuracy: 1e-4 * 128 * (af * x) * (af * x) / 2)
        // Far below it is the cathodic Tafel branch less its linear part.
        let deep = -0.3
        XCTAssertEqual(law.current(excess: deep), -128 * (exp(-af * deep) - 1 + af * deep), accuracy: 1e-12 * 128 * exp(-af * deep))
    }
}
