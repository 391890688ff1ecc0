package dev.trawl.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The traceparent header as the W3C Trace Context specification reads it (level 1, version 00 and later). */
class TraceParentTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void aValidVersion00HeaderGivesItsTraceId() {
        assertThat(TraceParent.traceId("00-" + TRACE_ID + "-00f067aa0ba902b7-01"))
                .isEqualTo(TRACE_ID);
        assertThat(TraceParent.traceId("00-" + TRACE_ID + "-00f067aa0ba902b7-00"))
                .isEqualTo(TRACE_ID);
        assertThat(TraceParent.traceId(" 00-" + TRACE_ID + "-00f067aa0ba902b7-01 "))
                .isEqualTo(TRACE_ID);
    }

    @Test
    void aLaterVersionMayAppendFieldsAfterADash() {
        assertThat(TraceParent.traceId("cc-" + TRACE_ID + "-00f067aa0ba902b7-01"))
                .isEqualTo(TRACE_ID);
        assertThat(TraceParent.traceId("cc-" + TRACE_ID + "-00f067aa0ba902b7-01-what-comes-next"))
                .isEqualTo(TRACE_ID);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "garbage",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",
                "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
                "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
                "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"
            })
    void anInvalidHeaderGivesNoTraceId(String header) {
        assertThat(TraceParent.traceId(header)).isNull();
    }

    @Test
    void aMissingOrRepeatedHeaderGivesNoTraceId() {
        String valid = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
        assertThat(TraceParent.traceIdOf(MultiMap.caseInsensitiveMultiMap())).isNull();
        assertThat(TraceParent.traceIdOf(MultiMap.caseInsensitiveMultiMap().add("Traceparent", valid)))
                .isEqualTo(TRACE_ID);
        assertThat(TraceParent.traceIdOf(MultiMap.caseInsensitiveMultiMap()
                        .add("traceparent", valid)
                        .add("traceparent", valid)))
                .isNull();
        assertThat(TraceParent.traceId(null)).isNull();
    }
}
