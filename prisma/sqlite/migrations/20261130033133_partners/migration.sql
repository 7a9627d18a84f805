-- CreateTable
CREATE TABLE "Partner" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ownerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "contactEmail" TEXT,
    "notes" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Partner_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "keyId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "partnerId" TEXT,
    "partner" TEXT,
    "legacy" BOOLEAN NOT NULL DEFAULT false,
    "legacyFingerprint" TEXT,
    "description" TEXT,
    "environment" TEXT NOT NULL,
    "scopes" TEXT NOT NULL DEFAULT '[]',
    "ipAllowlist" TEXT NOT NULL DEFAULT '[]',
    "rateLimitPerMinute" INTEGER,
    "expiresAt" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdByUserId" TEXT,
    "createdByKeyId" TEXT,
    "updatedAt" DATETIME NOT NULL,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    "revokedByUserId" TEXT,
    "revokedByKeyId" TEXT,
    "revokedReason" TEXT,
    "suspendedAt" DATETIME,
    "suspendedReason" TEXT,
    "leakPolicy" TEXT NOT NULL DEFAULT 'revoke',
    "leakedAt" DATETIME,
    "leakSource" TEXT,
    CONSTRAINT "ApiKey_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ApiKey_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_ApiKey" ("createdAt", "createdByKeyId", "createdByUserId", "description", "environment", "expiresAt", "id", "ipAllowlist", "keyId", "lastUsedAt", "leakPolicy", "leakSource", "leakedAt", "name", "ownerId", "partner", "rateLimitPerMinute", "revokedAt", "revokedByKeyId", "revokedByUserId", "revokedReason", "scopes", "status", "suspendedAt", "suspendedReason", "updatedAt") SELECT "createdAt", "createdByKeyId", "createdByUserId", "description", "environment", "expiresAt", "id", "ipAllowlist", "keyId", "lastUsedAt", "leakPolicy", "leakSource", "leakedAt", "name", "ownerId", "partner", "rateLimitPerMinute", "revokedAt", "revokedByKeyId", "revokedByUserId", "revokedReason", "scopes", "status", "suspendedAt", "suspendedReason", "updatedAt" FROM "ApiKey";
DROP TABLE "ApiKey";
ALTER TABLE "new_ApiKey" RENAME TO "ApiKey";
CREATE UNIQUE INDEX "ApiKey_keyId_key" ON "ApiKey"("keyId");
CREATE INDEX "ApiKey_ownerId_createdAt_idx" ON "ApiKey"("ownerId", "createdAt");
CREATE INDEX "ApiKey_status_idx" ON "ApiKey"("status");
CREATE INDEX "ApiKey_partnerId_idx" ON "ApiKey"("partnerId");
CREATE INDEX "ApiKey_legacyFingerprint_idx" ON "ApiKey"("legacyFingerprint");
CREATE TABLE "new_KeySecret" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "apiKeyId" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "hashKind" TEXT NOT NULL DEFAULT 'hmac',
    "lastFour" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiresAt" DATETIME,
    CONSTRAINT "KeySecret_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_KeySecret" ("apiKeyId", "createdAt", "id", "lastFour", "retiresAt", "secretHash") SELECT "apiKeyId", "createdAt", "id", "lastFour", "retiresAt", "secretHash" FROM "KeySecret";
DROP TABLE "KeySecret";
ALTER TABLE "new_KeySecret" RENAME TO "KeySecret";
CREATE UNIQUE INDEX "KeySecret_secretHash_key" ON "KeySecret"("secretHash");
CREATE INDEX "KeySecret_apiKeyId_idx" ON "KeySecret"("apiKeyId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Partner_ownerId_name_key" ON "Partner"("ownerId", "name");

-- Data: partners were a free-text label on each key. One Partner per distinct (owner, label), and each key
-- linked to its owner's partner of that name. The "partner" column stays as it was (never written again).
INSERT INTO "Partner" ("id", "ownerId", "name", "createdAt", "updatedAt")
SELECT 'p' || lower(hex(randomblob(12))), "ownerId", trim("partner"),
       strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
FROM "ApiKey"
WHERE "partner" IS NOT NULL AND trim("partner") <> ''
GROUP BY "ownerId", trim("partner");

UPDATE "ApiKey"
SET "partnerId" = (
  SELECT "Partner"."id" FROM "Partner"
  WHERE "Partner"."ownerId" = "ApiKey"."ownerId" AND "Partner"."name" = trim("ApiKey"."partner")
)
WHERE "partner" IS NOT NULL AND trim("partner") <> '';
