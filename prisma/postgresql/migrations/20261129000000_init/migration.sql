-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'user',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "partner" TEXT,
    "description" TEXT,
    "environment" TEXT NOT NULL,
    "scopes" TEXT NOT NULL DEFAULT '[]',
    "ipAllowlist" TEXT NOT NULL DEFAULT '[]',
    "rateLimitPerMinute" INTEGER,
    "expiresAt" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdByUserId" TEXT,
    "createdByKeyId" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "revokedByUserId" TEXT,
    "revokedByKeyId" TEXT,
    "revokedReason" TEXT,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KeySecret" (
    "id" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "lastFour" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiresAt" TIMESTAMP(3),

    CONSTRAINT "KeySecret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actorUserId" TEXT,
    "actorKeyId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "ip" TEXT,
    "changes" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InventoryItem" (
    "id" TEXT NOT NULL,
    "brand" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "storageGb" INTEGER NOT NULL,
    "condition" TEXT NOT NULL,
    "priceCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "status" TEXT NOT NULL DEFAULT 'available',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InventoryItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Offer" (
    "id" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "note" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "idempotencyKey" TEXT,
    "requestHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "withdrawnAt" TIMESTAMP(3),

    CONSTRAINT "Offer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RequestLog" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "timestamp" TIMESTAMP(3) NOT NULL,
    "apiKeyId" TEXT,
    "keyId" TEXT,
    "keyName" TEXT,
    "partner" TEXT,
    "ownerId" TEXT,
    "environment" TEXT,
    "method" TEXT NOT NULL,
    "route" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "statusClass" TEXT NOT NULL,
    "latencyMs" DOUBLE PRECISION NOT NULL,
    "ip" TEXT,
    "userAgent" TEXT,
    "errorCode" TEXT,
    "secretSlot" TEXT,

    -- HAND-EDITED (partitioning): the partition key must be part of the primary key and of every unique index.
    CONSTRAINT "RequestLog_pkey" PRIMARY KEY ("timestamp", "id")
) PARTITION BY RANGE ("timestamp");

-- HAND-EDITED (partitioning): rows no dated partition covers land here, so an insert never fails for want of a
-- partition; lib/db/pg-partitions.ts creates daily partitions ahead and moves rows out of it.
CREATE TABLE "RequestLog_default" PARTITION OF "RequestLog" DEFAULT;

-- CreateTable
CREATE TABLE "RequestRollup" (
    "id" TEXT NOT NULL,
    "resolution" TEXT NOT NULL,
    "bucketStart" TIMESTAMP(3) NOT NULL,
    "apiKeyId" TEXT NOT NULL DEFAULT '',
    "ownerId" TEXT NOT NULL DEFAULT '',
    "partner" TEXT NOT NULL DEFAULT '',
    "route" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "statusClass" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "latencySumMs" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "latencyMaxMs" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "h0" INTEGER NOT NULL DEFAULT 0,
    "h1" INTEGER NOT NULL DEFAULT 0,
    "h2" INTEGER NOT NULL DEFAULT 0,
    "h3" INTEGER NOT NULL DEFAULT 0,
    "h4" INTEGER NOT NULL DEFAULT 0,
    "h5" INTEGER NOT NULL DEFAULT 0,
    "h6" INTEGER NOT NULL DEFAULT 0,
    "h7" INTEGER NOT NULL DEFAULT 0,
    "h8" INTEGER NOT NULL DEFAULT 0,
    "h9" INTEGER NOT NULL DEFAULT 0,
    "h10" INTEGER NOT NULL DEFAULT 0,
    "h11" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RequestRollup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KeyScopeUsage" (
    "apiKeyId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "lastUsedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KeyScopeUsage_pkey" PRIMARY KEY ("apiKeyId","scope")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_keyId_key" ON "ApiKey"("keyId");

-- CreateIndex
CREATE INDEX "ApiKey_ownerId_createdAt_idx" ON "ApiKey"("ownerId", "createdAt");

-- CreateIndex
CREATE INDEX "ApiKey_status_idx" ON "ApiKey"("status");

-- CreateIndex
CREATE UNIQUE INDEX "KeySecret_secretHash_key" ON "KeySecret"("secretHash");

-- CreateIndex
CREATE INDEX "KeySecret_apiKeyId_idx" ON "KeySecret"("apiKeyId");

-- CreateIndex
CREATE INDEX "AuditEvent_apiKeyId_createdAt_idx" ON "AuditEvent"("apiKeyId", "createdAt");

-- CreateIndex
CREATE INDEX "InventoryItem_brand_model_idx" ON "InventoryItem"("brand", "model");

-- CreateIndex
CREATE INDEX "InventoryItem_priceCents_idx" ON "InventoryItem"("priceCents");

-- CreateIndex
CREATE INDEX "Offer_ownerId_environment_createdAt_idx" ON "Offer"("ownerId", "environment", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Offer_ownerId_environment_idempotencyKey_key" ON "Offer"("ownerId", "environment", "idempotencyKey");

-- CreateIndex
-- HAND-EDITED (partitioning): unique per (requestId, timestamp); a replayed entry keeps its timestamp, so
-- INSERT ... ON CONFLICT ("requestId", "timestamp") DO NOTHING still skips it.
CREATE UNIQUE INDEX "RequestLog_requestId_timestamp_key" ON "RequestLog"("requestId", "timestamp");

-- CreateIndex
CREATE INDEX "RequestLog_timestamp_idx" ON "RequestLog"("timestamp");

-- CreateIndex
CREATE INDEX "RequestLog_ownerId_timestamp_idx" ON "RequestLog"("ownerId", "timestamp");

-- CreateIndex
CREATE INDEX "RequestLog_apiKeyId_timestamp_idx" ON "RequestLog"("apiKeyId", "timestamp");

-- CreateIndex
CREATE INDEX "RequestLog_partner_timestamp_idx" ON "RequestLog"("partner", "timestamp");

-- CreateIndex
CREATE INDEX "RequestRollup_resolution_ownerId_bucketStart_idx" ON "RequestRollup"("resolution", "ownerId", "bucketStart");

-- CreateIndex
CREATE INDEX "RequestRollup_resolution_apiKeyId_bucketStart_idx" ON "RequestRollup"("resolution", "apiKeyId", "bucketStart");

-- CreateIndex
CREATE UNIQUE INDEX "RequestRollup_resolution_bucketStart_apiKeyId_route_method__key" ON "RequestRollup"("resolution", "bucketStart", "apiKeyId", "route", "method", "statusClass");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeySecret" ADD CONSTRAINT "KeySecret_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_inventoryItemId_fkey" FOREIGN KEY ("inventoryItemId") REFERENCES "InventoryItem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

