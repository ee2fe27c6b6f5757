/// Destination numbers and the prefixes the catalog files for them.
///
/// Numbers are E.164 digits without `+`; they never start with 0, so a number is held as an
/// integer plus its digit count and written without building a `String`.
enum Destinations {
    /// ITU country codes (China's 86 excluded: it is domestic), grouped into tariff zones by
    /// their first digit — over two hundred prefixes for the longest-match rule choice.
    static let countryCodes: [String] = """
        1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 \
        81 82 84 90 91 92 93 94 95 98 211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 \
        233 234 235 236 237 238 239 240 241 242 243 244 245 246 248 249 250 251 252 253 254 255 256 257 258 260 \
        261 262 263 264 265 266 267 268 269 290 291 297 298 299 350 351 352 353 354 355 356 357 358 359 370 371 \
        372 373 374 375 376 377 378 380 381 382 383 385 386 387 389 420 421 423 500 501 502 503 504 505 506 507 \
        508 509 590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681 682 683 685 \
        686 687 688 689 690 691 692 850 852 853 855 856 880 886 960 961 962 963 964 965 966 967 968 970 971 972 \
        973 974 975 976 977 992 993 994 995 996 998
        """.split(separator: " ").map(String.init)

    /// One zone per leading digit (1 North America, 2 Africa, 3–4 Europe, 5 Latin America,
    /// 6 Oceania and South-East Asia, 7 Russia, 8–9 Asia and the Middle East).
    static let internationalZones: [[String]] = {
        let zoneOfDigit: [Character: Int] = ["1": 0, "2": 1, "3": 2, "4": 2, "5": 3, "6": 4, "7": 5, "8": 6, "9": 6]
        var zones = [[String]](repeating: [], count: 7)
        for code in countryCodes { zones[zoneOfDigit[code.first!]!].append(code) }
        return zones
    }()

    /// City and mobile prefixes inside country codes, filed by the roaming plan: longer than
    /// the country code, so the longest match picks them.
    static let cityPrefixes = [
        "1212", "1310", "1415", "1646", "1917", "4420", "447", "331", "336", "4930", "4915", "4917", "813", "8190",
        "8180", "6591", "6581", "85290", "85291", "85261", "85262", "88692",
    ]

    /// The carrier's own mobile ranges, cheaper on the night-owl plan.
    static let ownNetworkPrefixes = [
        "86134", "86135", "86136", "86137", "86138", "86139", "86147", "86150", "86151", "86152", "86157", "86158",
        "86159", "86178", "86182", "86183", "86184", "86187", "86188", "86198",
    ]

    /// Prefixes no zone files (satellite, international networks, reserved): only a catch-all rule covers them.
    static let unzonedPrefixes: [Int64] = [870, 881, 882, 883, 999]

    static let areaCodes: [Int64] = [
        10, 20, 21, 22, 23, 24, 25, 27, 28, 29, 311, 351, 371, 411, 431, 451, 471, 511, 531, 551, 571, 591, 731,
        755, 771, 791, 851, 871, 898, 931, 951, 971, 991,
    ]

    static let countryCodeValues: [Int64] = countryCodes.map { Int64($0)! }

    static func digitCount(_ value: Int64) -> Int {
        var count = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
    }

    static let powersOfTen: [Int64] = (0...18).map { exponent in
        (0..<exponent).reduce(Int64(1)) { value, _ in value * 10 }
    }

    /// `prefix` followed by random digits up to `length` digits in all.
    static func number(prefix: Int64, length: Int, _ rng: inout SplitMix64) -> Destination {
        let rest = max(0, length - digitCount(prefix))
        return Destination(
            value: prefix * powersOfTen[rest] + rng.below(powersOfTen[rest]), length: Int8(digitCount(prefix) + rest))
    }

    /// A domestic mobile number: 86 1[3-9]X XXXX XXXX.
    static func domesticMobile(_ rng: inout SplitMix64) -> Destination {
        number(prefix: 861_30 + rng.below(70), length: 13, &rng)
    }

    static func domesticLandline(_ rng: inout SplitMix64) -> Destination {
        let area = rng.pick(areaCodes)
        return number(prefix: 86 * powersOfTen[digitCount(area)] + area, length: area < 100 ? 12 : 13, &rng)
    }

    static func international(_ rng: inout SplitMix64) -> Destination {
        number(prefix: rng.pick(countryCodeValues), length: Int(rng.within(11...13)), &rng)
    }

    static func unzoned(_ rng: inout SplitMix64) -> Destination {
        number(prefix: rng.pick(unzonedPrefixes), length: 12, &rng)
    }

    /// A called number for a voice call: mostly domestic mobiles, some landlines, international
    /// and a few numbers only a catch-all covers.
    static func voice(_ rng: inout SplitMix64) -> Destination {
        switch rng.below(100) {
        case 0..<68: return domesticMobile(&rng)
        case 68..<82: return domesticLandline(&rng)
        case 82..<97: return international(&rng)
        default: return unzoned(&rng)
        }
    }

    static func sms(_ rng: inout SplitMix64) -> Destination {
        rng.below(100) < 90 ? domesticMobile(&rng) : international(&rng)
    }
}

/// A destination number as an integer and its digit count (0 digits: empty).
struct Destination: Equatable {
    var value: Int64
    var length: Int8
    static let none = Destination(value: 0, length: 0)

    /// Writes the digits into `buffer` (which holds at least 27 bytes: up to 19 digits and the
    /// spill of an 8-byte store) and returns how many.
    @inline(__always)
    func write(into buffer: UnsafeMutablePointer<UInt8>) -> Int {
        CSVRowWriter.storeDigits(value, width: Int(length), at: buffer)
        return Int(length)
    }
}
