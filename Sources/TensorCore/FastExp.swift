/// exp(x) for sixteen lanes at once, to about 2 ulp for x in [−87.3, 88]; 0 below −87.3.
///
/// exp(x) = 2ᵏ · exp(r) with k = round(x / ln 2) and r = x − k·ln 2 (ln 2 in two parts so that r
/// is exact), |r| ≤ ln 2 / 2, and exp(r) by its degree-6 Taylor polynomial (Horner). k is
/// rounded by adding and subtracting 1.5·2²³, which also leaves k in the low bits of the sum:
/// no float-to-integer conversion (which Swift's SIMD types do lane by lane).
@inlinable
public func exp16(_ x: SIMD16<Float>) -> SIMD16<Float> {
    typealias V = SIMD16<Float>
    let magic = V(repeating: 12_582_912)   // 1.5·2²³
    let clamped = x.replacing(with: V(repeating: -87.3), where: x .< -87.3)
    let shifted = clamped * 1.442_695_04 + magic
    let k = shifted - magic
    var r = clamped - k * 0.693_145_75
    r = r - k * 1.428_606_8e-6
    var p = V(repeating: 1.0 / 720)
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let kBits = unsafeBitCast(shifted, to: SIMD16<UInt32>.self) &- unsafeBitCast(magic, to: SIMD16<UInt32>.self)
    let scale = unsafeBitCast((kBits &+ 127) &<< 23, to: V.self)
    return (p * scale).replacing(with: 0, where: x .< -87.3)
}
