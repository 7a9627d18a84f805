-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "legacy" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "legacyFingerprint" TEXT,
ADD COLUMN     "partnerId" TEXT;

-- AlterTable
ALTER TABLE "KeySecret" ADD COLUMN     "hashKind" TEXT NOT NULL DEFAULT 'hmac';

-- CreateTable
CREATE TABLE "Partner" (
    "id" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "contactEmail" TEXT,
    "notes" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

CONSTRAINT "Partner_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Partner_ownerId_name_key" ON "Partner"("ownerId", "name");

-- CreateIndex
CREATE INDEX "ApiKey_partnerId_idx" ON "ApiKey"("partnerId");

-- CreateIndex
CREATE INDEX "ApiKey_legacyFingerprint_idx" ON "ApiKey"("legacyFingerprint");

-- AddForeignKey
ALTER TABLE "Partner" ADD CONSTRAINT "Partner_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Data: partners were a free-text label on each key. One Partner per distinct (owner, label), and each key
-- linked to its owner's partner of that name. The "partner" column stays as it was (never written again).
INSERT INTO "Partner" ("id", "ownerId", "name", "createdAt", "updatedAt")
SELECT 'p' || replace(gen_random_uuid()::text, '-', ''), "ownerId", btrim("partner"), CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM "ApiKey"
WHERE "partner" IS NOT NULL AND btrim("partner") <> ''
GROUP BY "ownerId", btrim("partner");

UPDATE "ApiKey"
SET "partnerId" = "Partner"."id"
FROM "Partner"
WHERE "Partner"."ownerId" = "ApiKey"."ownerId" AND "Partner"."name" = btrim("ApiKey"."partner");
