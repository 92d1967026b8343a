/// Doubles turned into integers for exact (order-independent) sums. `Int64(x)` traps on NaN, ±∞
/// or |x| ≥ 2⁶³; a blow-up must reach the step's finiteness check and be reported there with its
/// cell, so these map NaN to 0 and clamp to ±2⁶².
@inline(__always)
public func saturatingInt64(_ x: Double) -> Int64 {
    guard x == x else { return 0 }
    return Int64(Swift.max(-0x1p62, Swift.min(0x1p62, x.rounded())))
}
