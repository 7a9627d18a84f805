-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'user',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "keyId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "partner" TEXT,
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
    CONSTRAINT "ApiKey_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "KeySecret" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "apiKeyId" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "lastFour" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiresAt" DATETIME,
    CONSTRAINT "KeySecret_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "apiKeyId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actorUserId" TEXT,
    "actorKeyId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "ip" TEXT,
    "changes" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AuditEvent_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "InventoryItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "brand" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "storageGb" INTEGER NOT NULL,
    "condition" TEXT NOT NULL,
    "priceCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "status" TEXT NOT NULL DEFAULT 'available',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Offer" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "withdrawnAt" DATETIME,
    CONSTRAINT "Offer_inventoryItemId_fkey" FOREIGN KEY ("inventoryItemId") REFERENCES "InventoryItem" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RequestLog" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "requestId" TEXT NOT NULL,
    "timestamp" DATETIME NOT NULL,
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
    "latencyMs" REAL NOT NULL,
    "ip" TEXT,
    "userAgent" TEXT,
    "errorCode" TEXT,
    "secretSlot" TEXT
);

-- CreateTable
CREATE TABLE "RequestRollup" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "resolution" TEXT NOT NULL,
    "bucketStart" DATETIME NOT NULL,
    "apiKeyId" TEXT NOT NULL DEFAULT '',
    "ownerId" TEXT NOT NULL DEFAULT '',
    "partner" TEXT NOT NULL DEFAULT '',
    "route" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "statusClass" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "latencySumMs" REAL NOT NULL DEFAULT 0,
    "latencyMaxMs" REAL NOT NULL DEFAULT 0,
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
    "h11" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "KeyScopeUsage" (
    "apiKeyId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "lastUsedAt" DATETIME NOT NULL,

    PRIMARY KEY ("apiKeyId", "scope")
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
CREATE UNIQUE INDEX "RequestLog_requestId_key" ON "RequestLog"("requestId");

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
CREATE UNIQUE INDEX "RequestRollup_resolution_bucketStart_apiKeyId_route_method_statusClass_key" ON "RequestRollup"("resolution", "bucketStart", "apiKeyId", "route", "method", "statusClass");

