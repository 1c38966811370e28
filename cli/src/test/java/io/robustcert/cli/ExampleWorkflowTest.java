package io.robustcert.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The example CI workflow calls {@code certify} with options that exist, so it does not rot unnoticed. */
class ExampleWorkflowTest {

    static final Path WORKFLOW = Path.of("..", "examples", "github-actions", "certify.yml");

    @Test
    void theWorkflowUsesOnlyExistingCertifyOptions() throws IOException {
        String yaml = Files.readString(WORKFLOW);
        int at = yaml.indexOf("robustcert certify");
        assertTrue(at >= 0, "the workflow runs robustcert certify");
        String command = yaml.substring(at, yaml.indexOf("\n\n", at) < 0 ? yaml.length() : yaml.indexOf("\n\n", at));
        CommandLine certify = Main.commandLine(new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter()), CommandLine.defaultFactory())
                .getSubcommands().get("certify");
        Set<String> known = certify.getCommandSpec().options().stream().flatMap(o -> Set.of(o.names()).stream())
                .collect(Collectors.toSet());
        Matcher m = Pattern.compile("(--[a-z-]+)").matcher(command);
        int count = 0;
        while (m.find()) {
            count++;
            assertTrue(known.contains(m.group(1)), "unknown option " + m.group(1) + " in " + WORKFLOW);
        }
        assertTrue(count >= 6, command);
        for (String required : new String[] {"--model", "--data", "--eps", "--min-verified-accuracy"}) {
            assertTrue(command.contains(required), required + " missing from " + command);
        }
        assertFalse(command.contains("--remote"), "the workflow certifies locally");
        assertTrue(yaml.contains("scripts/fetch-data.sh"), "the workflow fetches the data");
    }
}
