package dev.trawl.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The instructions of a Dockerfile by stage (stage 0 is the first {@code FROM}), with line
 * continuations joined and comments dropped: enough to follow what a build stage copies and runs.
 */
record DockerfileInstructions(List<Instruction> instructions) {

    record Instruction(int stage, String keyword, String arguments) {

        /** The arguments split on blanks, options ({@code --from=build}) included. */
        List<String> words() {
            return Arrays.asList(arguments.trim().split("\\s+"));
        }

        /** The words that are not {@code --options}. */
        List<String> operands() {
            return words().stream().filter(word -> !word.startsWith("--")).toList();
        }

        boolean hasOption(String option) {
            return words().stream().anyMatch(word -> word.equals(option));
        }
    }

    static DockerfileInstructions read(Path dockerfile) throws IOException {
        List<Instruction> instructions = new ArrayList<>();
        int stage = -1;
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (pending.length() == 0 && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            String whole = pending.append(trimmed).toString();
            pending.setLength(0);
            int blank = whole.indexOf(' ');
            String keyword = (blank < 0 ? whole : whole.substring(0, blank)).toUpperCase();
            if (keyword.equals("FROM")) {
                stage++;
            }
            instructions.add(new Instruction(
                    stage, keyword, blank < 0 ? "" : whole.substring(blank + 1).strip()));
        }
        return new DockerfileInstructions(instructions);
    }

    List<Instruction> of(int stage, String keyword) {
        return instructions.stream()
                .filter(instruction ->
                        instruction.stage() == stage && instruction.keyword().equals(keyword))
                .toList();
    }
}
