import XCTest
@testable import LiPhaseGrid
@testable import LiPhaseParallel
@testable import LiPhaseSolvers

final class GridTests: XCTestCase {
    func testProcessGridCutsTheLongAxis() {
        XCTAssertEqual(CartesianDecomposition.bestProcessGrid(cells: Index3(512, 256, 1), ranks: 2, dimensions: 2, minimumCells: 1), Index3(2, 1, 1))
        XCTAssertEqual(CartesianDecomposition.bestProcessGrid(cells: Index3(64, 64, 1), ranks: 4, dimensions: 2, minimumCells: 1), Index3(2, 2, 1))
        XCTAssertEqual(CartesianDecomposition.bestProcessGrid(cells: Index3(128, 128, 128), ranks: 8, dimensions: 3, minimumCells: 1), Index3(2, 2, 2))
        XCTAssertEqual(CartesianDecomposition.bestProcessGrid(cells: Index3(16, 1024, 1), ranks: 4, dimensions: 2, minimumCells: 1), Index3(1, 4, 1))
    }

    func testTooManyRanksIsRefused() {
        XCTAssertNil(CartesianDecomposition.bestProcessGrid(cells: Index3(3, 3, 1), ranks: 16, dimensions: 2, minimumCells: 1))
        // 7 is prime: only 7×1 or 1×7, and 4 cells make one tile of 4.
        XCTAssertNil(CartesianDecomposition.bestProcessGrid(cells: Index3(4, 4, 1), ranks: 7, dimensions: 2, minimumCells: 1))
        // 64 cells are 4 tiles of 16: 8 ranks along one axis do not fit.
        XCTAssertNil(CartesianDecomposition.bestProcessGrid(cells: Index3(64, 1, 1), ranks: 8, dimensions: 2, minimumCells: 1))
    }

    func testTilesArePowersOfTwoUpTo16() {
        XCTAssertEqual([1, 2, 3, 7, 9, 16, 45, 1000].map { CartesianDecomposition.tile(cells: $0) }, [1, 2, 2, 4, 8, 16, 16, 16])
    }

    func testBlocksAreWholeTilesAndCoverTheAxisOnce() {
        for (cells, parts) in [(10, 2), (100, 6), (5, 1), (90, 2), (90, 4), (512, 4), (45, 2)] {
            let tile = CartesianDecomposition.tile(cells: cells)
            var next = 0
            for index in 0..<parts {
                let (start, count) = CartesianDecomposition.block(cells: cells, parts: parts, index: index)
                XCTAssertEqual(start, next)
                XCTAssertEqual(start % tile, 0, "block \(index) of \(cells) cells starts inside a tile")
                XCTAssertGreaterThan(count, 0)
                next = start + count
            }
            XCTAssertEqual(next, cells)
        }
        XCTAssertEqual(CartesianDecomposition.block(cells: 90, parts: 4, index: 3).count, 10)  // tiles 2,2,1,1: last is 10 cells
    }

    func testDirichletAndNeumannAreExactForLinearProfilesIn3D() throws {
        // u = 3 + 2z: Dirichlet on the z = 0 face takes the face value 3, Neumann on the top
        // takes ∂u/∂n = +2; the ghosts must then continue the line exactly.
        let cells = Index3(4, 3, 6), dz = 0.25
        let geometry = GridGeometry(dimensions: 3, cells: cells, spacing: [1, 1, dz])
        let conditions = BoundaryConditions(lower: [.periodic, .periodic, .dirichlet(3)], upper: [.periodic, .periodic, .neumann(2)])
        let grid = try DistributedGrid(geometry: geometry, conditions: conditions, world: testWorld, ghostWidth: 2)
        let u = grid.makeField("u", units: "1")
        for k in 0..<cells.z { for j in 0..<cells.y { for i in 0..<cells.x { u[i, j, k] = 3 + 2 * geometry.centre(2, k) } } }
        try grid.refreshGhosts([u])
        for k in [-2, -1, cells.z, cells.z + 1] {
            XCTAssertEqual(u[1, 1, k], 3 + 2 * geometry.centre(2, k), accuracy: 1e-13, "ghost layer k = \(k)")
        }
        // Periodic x: ghost −1 is the last interior column.
        XCTAssertEqual(u[-1, 2, 3], u[cells.x - 1, 2, 3])
    }

    func testStepControlLandsExactlyOnStops() {
        let control = StepControl(safety: 0.5, maximumStep: 1, minimumStep: 0)
        XCTAssertEqual(control.next(stableStep: 0.1, time: 0, nextStop: 1), .init(dt: 0.05, reachesStop: false))
        XCTAssertEqual(control.next(stableStep: 0.1, time: 0.97, nextStop: 1).reachesStop, true)
        XCTAssertEqual(control.next(stableStep: 0.1, time: 0.97, nextStop: 1).dt, 1 - 0.97)
        XCTAssertEqual(control.next(stableStep: 100, time: 0, nextStop: 10), .init(dt: 1, reachesStop: false))
    }
}
