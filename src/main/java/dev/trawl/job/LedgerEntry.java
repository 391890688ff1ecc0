package dev.trawl.job;

import java.time.OffsetDateTime;

/** One effect recorded in the operation ledger, e.g. {@code page-stored} with the page URL as context. */
public record LedgerEntry(String kind, String context, OffsetDateTime createdAt) {}
