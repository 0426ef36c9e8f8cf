package dev.tasklane.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Everything one run measured, printed as a table and written as JSON. */
final class Report {
  private final Map<String, Figure> figures = new LinkedHashMap<>();
  private final List<Ratio> ratios = new ArrayList<>();
  private final List<Target> targets = new ArrayList<>();

  void add(Figure f) {
    figures.put(f.name(), f);
  }

  Optional<Double> value(String name) {
    Figure f = figures.get(name);
    return f == null || !f.ok() ? Optional.empty() : Optional.of(f.value());
  }

  void ratio(String name, String numerator, String denominator, String meaning) {
    Optional<Double> n = value(numerator);
    Optional<Double> d = value(denominator);
    Double v = n.isPresent() && d.isPresent() && d.get() != 0 ? n.get() / d.get() : null;
    ratios.add(new Ratio(name, numerator, denominator, v, meaning));
  }

  void target(Target t) {
    targets.add(t);
  }

  List<Target> targets() {
    return targets;
  }

  /** The JSON document: run facts, then one object per measurement, the ratios and the targets. */
  record Document(
      String command, String mode, Instant startedAt, double durationSeconds, Machine machine,
      Map<String, Object> settings, List<Figure> measurements, List<Ratio> ratios, List<Target> targets) {}

  Document document(String command, String mode, Instant startedAt, double seconds, Machine machine,
      Map<String, Object> settings) {
    return new Document(command, mode, startedAt, seconds, machine, settings, List.copyOf(figures.values()),
        List.copyOf(ratios), List.copyOf(targets));
  }

  static void writeJson(Document doc, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    ObjectMapper json = new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    json.writeValue(file.toFile(), doc);
  }

  void printTable(PrintStream out) {
    out.printf("%n%-36s %14s  %-8s %s%n", "measurement", "value", "unit", "settings / notes");
    out.println("-".repeat(110));
    for (Figure f : figures.values()) {
      String value = f.ok() ? number(f.value()) : f.status().name().toLowerCase(Locale.ROOT);
      out.printf("%-36s %14s  %-8s %s%n", f.name(), value, f.unit(), f.note() == null ? "" : f.note());
    }
    out.printf("%n%-36s %14s  %s%n", "ratio", "value", "meaning");
    out.println("-".repeat(110));
    for (Ratio r : ratios) {
      out.printf("%-36s %14s  %s%n", r.name(), r.value() == null ? "n/a" : number(r.value()), r.meaning());
    }
    out.printf("%n%-36s %-16s %14s  %s%n", "target", "goal", "measured", "result");
    out.println("-".repeat(110));
    for (Target t : targets) {
      String result = t.met() == null ? "NOT MEASURED" : t.met() ? "met" : "MISSED";
      out.printf("%-36s %-16s %14s  %s%s%n", t.name(), t.goal(), t.value() == null ? "n/a" : number(t.value()),
          result, t.note() == null ? "" : " (" + t.note() + ")");
    }
  }

  private static String number(double v) {
    if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%,.0f", v);
    if (Math.abs(v) >= 1) return String.format(Locale.ROOT, "%.2f", v);
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
