-- The log page filters by key through the public key id ("keyId", which also holds a key presented with a wrong
-- secret or after its revocation), and no index had it: support staff looking up one quiet key across all users
-- read every row of the range (BENCHMARKS.md section 8f). The index on the internal id served only the key pages'
-- own counts, which now also name the public id (the same rows: a key's public id never changes), so it is
-- replaced rather than joined, and every insert keeps the same number of indexes.

-- DropIndex
DROP INDEX "RequestLog_apiKeyId_timestamp_idx";

-- CreateIndex
CREATE INDEX "RequestLog_keyId_timestamp_idx" ON "RequestLog"("keyId", "timestamp");
