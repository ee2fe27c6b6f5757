/// summary.json exactly in DESIGN.md §5's layout: keys in the documented order, every rule
/// present, amounts as strings with the catalog's precision digits.
public enum SummaryJSON {
    public static func text(_ result: AuditResult, ledger: RefundLedger, catalogPath: String) -> String {
        let catalog = result.catalog
        func amount(_ value: ExactAmount) -> String { quote(value.formatted(catalog.precision, catalog.rounding)) }
        func money(_ value: MoneySum) -> String { amount(ExactAmount(value)) }
        func refund(_ value: MoneySum) -> String { amount(ExactAmount(value).times(catalog.refundFactor)) }

        var lines: [String] = ["{"]
        lines.append("  \"tool\": \"recount\",")
        lines.append("  \"version\": \(quote(RecountVersion.current)),")
        lines.append(
            "  \"started_at\": \(quote(CivilTime.formatInstantUTC(Int64(result.startedAt.timeIntervalSince1970)))),")
        lines.append(
            "  \"finished_at\": \(quote(CivilTime.formatInstantUTC(Int64(result.finishedAt.timeIntervalSince1970)))),")
        lines.append(
            "  \"catalog\": {\"path\": \(quote(catalogPath)), \"currency\": \(quote(catalog.currency)), "
                + "\"amount_precision\": \(quote(catalog.precision.description)), "
                + "\"rounding\": \(quote(catalog.rounding.rawValue)), "
                + "\"refund_factor\": \(quote(plain(catalog.refundFactor)))},")
        let inputs = result.files.map { file in
            "    {\"kind\": \(quote(file.kind.rawValue)), \"path\": \(quote(file.path)), "
                + "\"size\": \(file.compressedBytes), \"sha256\": \(quote(file.sha256))}"
        }
        lines.append("  \"inputs\": [" + (inputs.isEmpty ? "]," : "\n" + inputs.joined(separator: ",\n") + "\n  ],"))
        let rows = RecordKind.allCases.map { kind -> String in
            let counts = result.rows[kind] ?? RowCounts()
            return "    \(quote(kind.rawValue)): {\"read\": \(counts.read), \"audited\": \(counts.audited), "
                + "\"rejected\": \(counts.rejected)}"
        }
        lines.append("  \"rows\": {\n" + rows.joined(separator: ",\n") + "\n  },")
        let totals = result.ruleTotals
        let rules = Rule.reportOrder.map { rule -> String in
            let entry = totals.entries[rule]!
            var text =
                "    \(quote(rule.code)): {\"findings\": \(entry.findings), \"overcharge\": \(money(entry.overcharge)), "
                + "\"refund\": \(refund(entry.overcharge))"
            if rule == .undercharge { text += ", \"shortfall\": \(money(entry.shortfall))" }
            return text + "}"
        }
        lines.append("  \"rules\": {\n" + rules.joined(separator: ",\n") + "\n  },")
        lines.append(
            "  \"totals\": {\"findings\": \(totals.totalFindings), \"overcharge\": \(money(totals.totalOvercharge)), "
                + "\"refund\": \(refund(totals.totalOvercharge)), \"refund_rows\": \(ledger.refundRows(factor: catalog.refundFactor))}"
        )
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// An amount with only the digits it needs (`2`, `1.5`): how the catalog wrote the factor.
    static func plain(_ value: Money) -> String {
        var text = ExactAmount(value).formatted(AmountPrecision(fractionDigits: 6), .down)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
