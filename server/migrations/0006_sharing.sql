-- covault schema v6: sharing as Meeco users know it (covault 0.3).
-- meta: the share's sealed metadata (source item, slot selection, provenance) under its DEK.
-- on_sharing / parent_share_id / root_share_id: whether the recipient may share it on, and
-- where an on-share hangs in its chain (the root is the owner's share).
-- verification: the owner's slot commitments (JSON), copied by the Vault onto on-shares.
-- rejected_at / rejection: the recipient's rejection and its receipt.
ALTER TABLE shares ADD COLUMN meta TEXT;
ALTER TABLE shares ADD COLUMN on_sharing BIGINT NOT NULL DEFAULT 0;
ALTER TABLE shares ADD COLUMN parent_share_id TEXT;
ALTER TABLE shares ADD COLUMN root_share_id TEXT;
ALTER TABLE shares ADD COLUMN verification TEXT;
ALTER TABLE shares ADD COLUMN rejected_at BIGINT;
ALTER TABLE shares ADD COLUMN rejection TEXT;
CREATE INDEX shares_root ON shares(root_share_id, created_at, id);
