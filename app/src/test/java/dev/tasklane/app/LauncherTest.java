package dev.tasklane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The root launcher script finds a JDK of at least 21 by itself, or says what to install. */
class LauncherTest {
  private static final Path LAUNCHER = Path.of("..", "tasklane").toAbsolutePath().normalize();
  private static final Path THIS_JDK = Path.of(System.getProperty("java.home"));

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  private static Run run(Map<String, String> env) throws IOException, InterruptedException {
    return run(env, "--which-java");
  }

  private static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
    command.addAll(List.of(args));
    return exec(command, env);
  }

  private static Run exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("JAVA_HOME");
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip(),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /** A folder that looks like a JDK of the given version: java and javac that print it. */
  private Path fakeJdk(String name, int version) throws IOException {
    Path bin = Files.createDirectories(dir.resolve(name).resolve("bin"));
    String java = "#!/bin/sh\necho '    java.specification.version = " + version + "' >&2\n";
    for (String tool : new String[] {"java", "javac"}) {
      Path f = bin.resolve(tool);
      Files.writeString(f, java);
      f.toFile().setExecutable(true);
    }
    return dir.resolve(name);
  }

  @Test
  void usesJavaHomeWhenItIsRecentEnough() throws Exception {
    Run r = run(Map.of("JAVA_HOME", THIS_JDK.toString(), "TASKLANE_JDK_DIRS", "/nonexistent"));
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(THIS_JDK.toString());
  }

  @Test
  void skipsAnOldJavaHomeAndPicksTheNewestFittingInstall() throws Exception {
    Path old = fakeJdk("jdk-17", 17);
    Path jdk21 = fakeJdk("jdk-21", 21);
    Path jdk25 = fakeJdk("jdk-25", 25);
    Run r = run(Map.of("JAVA_HOME", old.toString(),
        "TASKLANE_JDK_DIRS", old + " " + jdk21 + " " + jdk25, "PATH", "/usr/bin:/bin"));
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(jdk25.toString());
  }

  /** Its release file names a JDK's version: no JVM starts to say it (this java would say 17). */
  @Test
  void readsTheVersionFromTheJdksReleaseFile() throws Exception {
    Path jdk = fakeJdk("jdk-release", 17);
    Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"21.0.9\"\n");
    Path old = fakeJdk("jdk-1.8", 25);
    Files.writeString(old.resolve("release"), "JAVA_VERSION=\"1.8.0_452\"\n");
    Run r = run(Map.of("TASKLANE_JDK_DIRS", old + " " + jdk, "PATH", "/usr/bin:/bin"));
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(jdk.toString());
  }

  @Test
  void saysWhatToInstallWhenNoJdkFits() throws Exception {
    Path old = fakeJdk("jdk-17", 17);
    Path noJavac = Files.createDirectories(dir.resolve("empty-path"));
    Files.createSymbolicLink(noJavac.resolve("bash"), Path.of("/bin/bash"));
    for (String tool : new String[] {"sed", "head", "cut", "dirname", "readlink"}) {
      Path t = Path.of("/usr/bin", tool);
      if (!Files.exists(t)) t = Path.of("/bin", tool);
      Files.createSymbolicLink(noJavac.resolve(tool), t);
    }
    Run r = run(Map.of("JAVA_HOME", old.toString(), "TASKLANE_JDK_DIRS", old.toString(), "PATH", noJavac.toString()));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("no JDK 21 or newer found").contains("openjdk-21-jdk").contains("JAVA_HOME");
  }

  /** A copy of the launcher beside a stand-in jar built a minute ago, as after a build. */
  private Path installWithJar() throws IOException {
    Path root = Files.createDirectories(dir.resolve("install"));
    Files.copy(LAUNCHER, root.resolve("tasklane"));
    Path jar = Files.writeString(Files.createDirectories(root.resolve("app/target")).resolve("tasklane.jar"), "a build");
    Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() / 1000 * 1000 - 60_000));
    return root;
  }

  /** The archive a server of this jar maps, named after the jar's build time (in seconds). */
  private static Path archiveOf(Path root, String command) throws IOException {
    long built = Files.getLastModifiedTime(root.resolve("app/target/tasklane.jar")).toMillis() / 1000;
    return root.resolve("app/target/tasklane-" + command + "-" + built + ".jsa");
  }

  private static Run javaOptions(Path root, String command, Map<String, String> env)
      throws IOException, InterruptedException {
    Map<String, String> all = new HashMap<>(env);
    all.put("JAVA_HOME", THIS_JDK.toString());
    all.putIfAbsent("TASKLANE_JAVA_OPTS", ""); // the build sets some for the servers tests start
    return exec(List.of("bash", root.resolve("tasklane").toString(), "--java-options", command), all);
  }

  /**
   * A server runs with a class-data archive beside the jar, the client commands with one they share
   * and the options of a short-lived JVM; the options work on the JDK the launcher picks: the first
   * run writes the archive at exit, the next maps it, and neither prints a word of it.
   */
  @Test
  void serversAndClientsStartFromTheirClassDataArchivesAndTheOptionsWorkOnThisJdk() throws Exception {
    Path root = installWithJar();
    List<String> serve = javaOptions(root, "serve", Map.of()).out().lines().toList();
    assertThat(serve).contains("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archiveOf(root, "serve"));
    assertThat(javaOptions(root, "worker", Map.of()).out()).contains("-XX:SharedArchiveFile=" + archiveOf(root, "worker"));
    for (String client : List.of("submit", "status", "list", "cancel", "watch")) {
      assertThat(javaOptions(root, client, Map.of()).out().lines()).contains(
          "-XX:SharedArchiveFile=" + archiveOf(root, "client"), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    }
    assertThat(serve).doesNotContain("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    assertThat(javaOptions(root, "--help", Map.of()).out()).doesNotContain("SharedArchiveFile");
    assertThat(javaOptions(root, "serve", Map.of("TASKLANE_CLASS_ARCHIVE", "off")).out())
        .doesNotContain("SharedArchiveFile");

    mapsTheArchiveItWrote(serve, dir.resolve("server.jsa"));
    mapsTheArchiveItWrote(javaOptions(root, "status", Map.of()).out().lines().toList(), dir.resolve("client.jsa"));
  }

  /** A JVM with {@code options} (its archive at {@code archive}) writes the archive, then maps it. */
  private static void mapsTheArchiveItWrote(List<String> options, Path archive) throws Exception {
    List<String> java = new ArrayList<>(List.of(THIS_JDK.resolve("bin/java").toString()));
    for (String o : options) java.add(o.startsWith("-XX:SharedArchiveFile=") ? "-XX:SharedArchiveFile=" + archive : o);
    java.add("-version");
    Run first = exec(java, Map.of());
    assertThat(first.exit()).isZero();
    assertThat(archive).isNotEmptyFile();
    long written = Files.getLastModifiedTime(archive).toMillis();
    Run second = exec(java, Map.of());
    assertThat(second.exit()).isZero();
    assertThat(second.out() + second.err()).doesNotContainIgnoringCase("cds").doesNotContain("archive");
    assertThat(Files.getLastModifiedTime(archive).toMillis()).as("the archive was used, not written again")
        .isEqualTo(written);
  }

  /**
   * Only the archive of this jar is kept. One of another build goes at start, even one written
   * after this jar: a server still running from the earlier jar when it was rebuilt writes its
   * archive when it stops, and the JVM would neither map it nor replace it.
   */
  @Test
  void archivesOfOtherBuildsAreRemovedSoTheNextStopWritesOneThatMatches() throws Exception {
    Path root = installWithJar();
    Path target = root.resolve("app/target");
    Path earlier = Files.writeString(target.resolve("tasklane-serve-1000.jsa"), "classes of an earlier build");
    Path unnamed = Files.writeString(target.resolve("tasklane-serve.jsa"), "classes of an unknown build");
    Path worker = Files.writeString(archiveOf(root, "worker"), "a worker's classes of this build");

    Run start = javaOptions(root, "serve", Map.of());
    assertThat(start.exit()).isZero();
    assertThat(start.out()).contains("-XX:SharedArchiveFile=" + archiveOf(root, "serve"));
    assertThat(earlier).as("written later than the jar, for another").doesNotExist();
    assertThat(unnamed).doesNotExist();
    assertThat(worker).as("another command's").hasContent("a worker's classes of this build");

    Path archive = Files.writeString(archiveOf(root, "serve"), "classes of this build");
    assertThat(javaOptions(root, "serve", Map.of()).exit()).isZero();
    assertThat(archive).hasContent("classes of this build");

    Files.setLastModifiedTime(archive, FileTime.fromMillis(Files.getLastModifiedTime(target.resolve("tasklane.jar"))
        .toMillis() - 1));
    assertThat(javaOptions(root, "serve", Map.of()).exit()).isZero();
    assertThat(archive).as("older than the jar: from a build within the same second").doesNotExist();
  }

  /** A checkout whose build is a stand-in that takes a second, writes a jar and logs itself. */
  private Path checkoutWithStandInBuild() throws IOException {
    Path root = Files.createDirectories(dir.resolve("checkout"));
    Files.copy(LAUNCHER, root.resolve("tasklane"));
    Path build = Files.writeString(root.resolve("mvnw"), """
        #!/bin/sh
        echo started >> builds.log
        sleep 1
        mkdir -p app/target && echo 'a build' > app/target/tasklane.jar
        echo done >> builds.log
        """);
    assertThat(build.toFile().setExecutable(true)).isTrue();
    return root;
  }

  private static List<String> builds(Path root) throws IOException {
    Path log = root.resolve("builds.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  /** A changed test leaves the jar as it is; a changed main source rebuilds it, once. */
  @Test
  void onlyAChangeToWhatGoesIntoTheJarRebuildsIt() throws Exception {
    Path root = checkoutWithStandInBuild();
    Path jar = Files.createDirectories(root.resolve("app/target")).resolve("tasklane.jar");
    Files.writeString(jar, "a build");
    Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    List<String> command = List.of("bash", root.resolve("tasklane").toString(), "--version");
    Map<String, String> env = Map.of("JAVA_HOME", THIS_JDK.toString());

    Files.writeString(Files.createDirectories(root.resolve("core/src/test/java")).resolve("SomeTest.java"), "class T {}");
    exec(command, env);
    assertThat(builds(root)).as("a test changed").isEmpty();

    Files.writeString(Files.createDirectories(root.resolve("core/src/main/java")).resolve("Some.java"), "class S {}");
    exec(command, env);
    exec(command, env);
    assertThat(builds(root)).as("a main source changed").containsExactly("started", "done");
  }

  /**
   * Launchers started together on a checkout that needs a build (two nodes, say) build it once:
   * the others wait for that build rather than run their own over it.
   */
  @Test
  void launchersStartedTogetherBuildOnceOneAfterTheOther() throws Exception {
    Path root = checkoutWithStandInBuild();
    List<String> command = List.of("bash", root.resolve("tasklane").toString(), "--version");
    Map<String, String> env = Map.of("JAVA_HOME", THIS_JDK.toString());
    try (var launchers = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Run>> runs = new ArrayList<>();
      for (int i = 0; i < 3; i++) runs.add(launchers.submit(() -> exec(command, env)));
      for (Future<Run> r : runs) r.get();
    }
    assertThat(builds(root)).containsExactly("started", "done");
  }
}
