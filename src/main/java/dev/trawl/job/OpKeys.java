package dev.trawl.job;

import java.util.UUID;

/** Op keys of the operation ledger: SHA-256 of kind, job and context, so one effect has one key. */
public final class OpKeys {

    public static final String PAGE_STORED = "page-stored";

    private OpKeys() {}

    public static String of(String kind, UUID jobId, String context) {
        // a separator no URL or kind contains, so ("a", "bc") and ("ab", "c") differ
        return Sha256.hex(kind + '\n' + jobId + '\n' + (context == null ? "" : context));
    }
}
