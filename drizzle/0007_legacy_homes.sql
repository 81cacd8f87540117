-- Accounts that existed before homes were named by user id keep their name-based home.
UPDATE "users" SET "legacy_home" = true;
