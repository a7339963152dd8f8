import Glibc

/// A seeded stream of pseudo-random numbers (xoshiro256**), reproducible across runs and machines.
///
/// Each purpose gets its own stream, derived from the run's seed and the purpose's name, so that
/// drawing more numbers for one purpose (say, dropout) never shifts another (say, shuffling):
/// `RandomStream(seed: 1, purpose: "shuffle")`. The whole state is four words, saved in checkpoints.
public struct RandomStream: Sendable, Equatable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// The generator's state; restoring it continues the stream exactly.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// A stream for `purpose`, determined by `seed` and the purpose's name alone.
    public init(seed: UInt64, purpose: String = "") {
        // FNV-1a of the purpose, mixed with the seed, expanded by SplitMix64 (as xoshiro's authors advise).
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in purpose.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var x = seed ^ h
        var s = [UInt64](repeating: 0, count: 4)
        for i in 0..<4 { s[i] = RandomStream.splitMix(&x) }
        if s.allSatisfy({ $0 == 0 }) { s[0] = 1 }
        (s0, s1, s2, s3) = (s[0], s[1], s[2], s[3])
    }

    /// A stream continuing from a saved `state`.
    public init(state: [UInt64]) {
        precondition(state.count == 4, "RandomStream: state needs 4 words, got \(state.count)")
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    /// A new independent stream for a sub-purpose, derived from this stream's next word.
    public mutating func split(_ purpose: String) -> RandomStream {
        RandomStream(seed: next(), purpose: purpose)
    }

    static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9e37_79b9_7f4a_7c15
        var z = x
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// The next 64 random bits. Inlinable: dropout draws one word per two elements from other
    /// modules, and a call per word cost as much as the rest of the mask.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    // Inlinable with `next`: from another module (dropout draws a word per two elements) a call
    // per rotation showed as 1.3% of an AAE epoch's profile.
    @inlinable
    func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func uniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform integer in 0..<n (unbiased, by rejection).
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "RandomStream.int(below:): n = \(n)")
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let r = next()
            if r < limit { return Int(r % bound) }
        }
    }

    /// A standard normal draw (Box–Muller; one of each pair is used).
    public mutating func normal() -> Float {
        let u1 = (Double(next() >> 11) + 1) * 0x1p-53   // (0, 1]
        let u2 = Double(next() >> 11) * 0x1p-53
        return Float((-2 * Glibc.log(u1)).squareRoot() * Glibc.cos(2 * Double.pi * u2))
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            p.swapAt(i, int(below: i + 1))
        }
        return p
    }
}

extension Tensor {
    /// Elements uniform in [low, high).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                               using rng: inout RandomStream) -> Tensor {
        Tensor(shape: shape, unsafeUninitialized: { y in
            for i in 0..<y.count { y[i] = low + (high - low) * rng.uniform() }
        })
    }

    /// Elements drawn from N(mean, std²).
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1,
                              using rng: inout RandomStream) -> Tensor {
        Tensor(shape: shape, unsafeUninitialized: { y in
            var i = 0
            while i < y.count {
                // Both values of each Box–Muller pair, for speed.
                let u1 = (Double(rng.next() >> 11) + 1) * 0x1p-53
                let u2 = Double(rng.next() >> 11) * 0x1p-53
                let r = (-2 * Glibc.log(u1)).squareRoot(), t = 2 * Double.pi * u2
                y[i] = mean + std * Float(r * Glibc.cos(t))
                if i + 1 < y.count { y[i + 1] = mean + std * Float(r * Glibc.sin(t)) }
                i += 2
            }
        })
    }

    /// Elements 1 with probability `p`, else 0.
    public static func bernoulli(_ shape: [Int], probability p: Float,
                                 using rng: inout RandomStream) -> Tensor {
        Tensor(shape: shape, unsafeUninitialized: { y in
            for i in 0..<y.count { y[i] = rng.uniform() < p ? 1 : 0 }
        })
    }
}
