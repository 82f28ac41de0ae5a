-- Fuzzy name search and matching keys (trigrams, phonetic codes) and hashing run inside the database
-- on both engines.
create extension if not exists pg_trgm;
create extension if not exists fuzzystrmatch;
create extension if not exists pgcrypto;
