package dev.trawl.job;

import java.util.Locale;

/** Which work stream a job goes to; workers drain high before normal before low. */
public enum Priority {
    HIGH,
    NORMAL,
    LOW;

    @com.fasterxml.jackson.annotation.JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public static Priority fromWire(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
