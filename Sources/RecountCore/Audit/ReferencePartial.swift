/// What one worker read from one chunk of the small inputs (subscriptions, providers): row
/// counts, rejects, and the rows copied out for the index and registry builders. The builders'
/// answers do not depend on the order rows arrive in, so partials merge in any order.
struct ReferencePartial: ChunkPartial {
    var lineCount = 0
    var rowsRead = 0
    var rejects: [Reject] = []
    var kind: RecordKind
    var subscriptions = SubscriptionBatch()
    var providers = ProviderBatch()
}
