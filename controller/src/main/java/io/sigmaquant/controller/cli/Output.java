package io.sigmaquant.controller.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.files.JsonFiles;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Prints command results as JSON ({@code --json}) or as aligned text tables. */
final class Output {
    static final ObjectMapper JSON = JsonFiles.JSON;

    private Output() {
    }

    static void json(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
        out.flush();
    }

    static byte[] toJson(Object value) {
        return JsonFiles.bytes(value);
    }

    /** A table: the first row is the header; numeric-looking cells are right-aligned. */
    static void table(PrintWriter out, List<List<String>> rows) {
        int cols = rows.get(0).size();
        int[] width = new int[cols];
        for (List<String> r : rows) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                String cell = r.get(c);
                boolean numeric = !cell.isEmpty() && cell.chars().allMatch(ch -> "0123456789.,-e%".indexOf(ch) >= 0);
                String pad = " ".repeat(width[c] - cell.length());
                line.append(c == 0 ? "" : "  ").append(numeric ? pad + cell : cell + pad);
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.2f MiB", n / (1024.0 * 1024.0));
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
