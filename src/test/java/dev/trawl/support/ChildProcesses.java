package dev.trawl.support;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every server process a test started and has not stopped yet. If the test JVM ends without
 * stopping one (a failed assertion, an interrupted build), the shutdown hook kills it, so no
 * platform, Redis or PostgreSQL of a test outlives the test run.
 */
final class ChildProcesses {

    private static final Set<Runnable> KILLERS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> KILLERS.forEach(ChildProcesses::quietly), "kill-test-servers"));
    }

    private ChildProcesses() {}

    static void register(Runnable killer) {
        KILLERS.add(killer);
    }

    static void unregister(Runnable killer) {
        KILLERS.remove(killer);
    }

    private static void quietly(Runnable killer) {
        try {
            killer.run();
        } catch (RuntimeException ignored) {
            // the JVM is exiting: kill what can be killed
        }
    }
}
