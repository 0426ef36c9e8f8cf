package dev.tasklane.attachments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskId;
import dev.tasklane.store.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files sent with messages and tasks: the bytes in a folder (one file per attachment, named by its
 * random id, so no name a client sends ever becomes a path), their metadata in the database. On a
 * database several nodes share, the bytes are in the database too, and the folder holds this node's
 * copies: a file taken by one node is served by any, and reaches a task wherever it runs. A task
 * names its attachments in its input ({@code "attachments": [{"id", "name", "mediaType", "size"}]});
 * a handler gets them through {@link #ofTask}, which only gives files of the task's own session.
 * An upload no task uses is deleted after {@link AttachmentLimits#keepUnused}; one that tasks use
 * lives until the last of them is purged by the lane's retention.
 */
public final class AttachmentStore implements AutoCloseable {
  /** The field of a task's input that names its attachments. */
  public static final String INPUT_FIELD = "attachments";
  private static final Logger log = LoggerFactory.getLogger(AttachmentStore.class);
  private static final Pattern ID = Pattern.compile("[a-z0-9]{16,40}");
  private static final SecureRandom RANDOM = new SecureRandom();
  /**
   * How old a copy in the folder must be before it is deleted for want of its row: a file being
   * stored is in the folder a moment before its row commits.
   */
  static final Duration COPY_GRACE = Duration.ofMinutes(10);
  /** Ids per statement when looking for the rows of the folder's copies. */
  private static final int IDS_PER_LOOKUP = 500;

  private final Database db;
  private final Path folder;
  private final AttachmentLimits limits;
  private final Clock clock;
  /**
   * Whether the database keeps the bytes too (PostgreSQL, which several nodes may share): the folder
   * then holds this node's copies, fetched when first needed.
   */
  private final boolean bytesInDatabase;
  private ScheduledExecutorService purger;

  private AttachmentStore(Database db, Path folder, AttachmentLimits limits, Clock clock) {
    this.db = db;
    this.bytesInDatabase = !db.dialect().singleProcess();
    this.folder = folder;
    this.limits = limits;
    this.clock = clock;
  }

  /** Migrates the tables ({@code db/attachments/<dialect>}) and keeps the files in {@code folder}. */
  public static AttachmentStore open(Database db, Path folder, AttachmentLimits limits, Clock clock) {
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the attachments folder " + folder, e);
    }
    db.migrate("attachments", "db/attachments");
    return new AttachmentStore(db, folder.toAbsolutePath().normalize(), limits, clock);
  }

  public AttachmentLimits limits() {
    return limits;
  }

  /**
   * Stores a file of {@code sessionKey}, reading at most {@link AttachmentLimits#maxFileBytes}.
   *
   * @param mediaType as the client declared it; null to recognise it from the content
   * @throws LaneException {@code too_large} over the limit, {@code bad_request} for a type not
   *     accepted or content that is not of the declared type; nothing is kept then
   */
  public Attachment put(String sessionKey, String name, String mediaType, InputStream content, String uploadedBy) {
    String id = newId();
    Path file = folder.resolve(id);
    Path partial = folder.resolve(id + ".part");
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long size;
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), sha)) {
        size = copyAtMost(content, out, limits.maxFileBytes());
      }
      if (size == 0) throw new LaneException(ErrorCode.BAD_REQUEST, "the file is empty");
      String type;
      try {
        type = MediaTypes.check(mediaType, partial, limits.mediaTypes());
      } catch (IllegalArgumentException e) {
        throw new LaneException(ErrorCode.BAD_REQUEST, e.getMessage());
      }
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
      Attachment a = new Attachment(id, sessionKey, FileNames.safe(name), type, size,
          HexFormat.of().formatHex(sha.digest()), clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
      try {
        record(a, uploadedBy, file);
      } catch (RuntimeException e) {
        deleteQuietly(file);
        throw e;
      }
      return a;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store an attachment", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    } finally {
      deleteQuietly(partial);
    }
  }

  /**
   * The file's row, and where the database keeps the bytes too, its bytes, in a transaction of
   * their own ({@link Database#writeApart}): up to {@link AttachmentLimits#maxFileBytes} would hold
   * up the writes batched with them.
   */
  private void record(Attachment a, String uploadedBy, Path file) {
    db.writeApart(tx -> {
      AttachmentSql.insert(tx.connection(), a, uploadedBy);
      if (!bytesInDatabase) return null;
      try {
        AttachmentSql.insertBytes(tx.connection(), a.id(), file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the attachment just stored", e);
      }
      return null;
    });
  }

  /** The attachment, if it exists. */
  public Optional<Attachment> find(String id) {
    if (id == null || !ID.matcher(id).matches()) return Optional.empty();
    return db.read(tx -> AttachmentSql.find(tx.connection(), id));
  }

  /**
   * Where the attachment's bytes are. Where the database keeps them and this node has no copy yet
   * (another node took the file), they are fetched into the folder first and checked against the
   * file's size and SHA-256; if that fails, the path returned does not exist and the failure is
   * logged.
   */
  public Path file(Attachment a) {
    Path file = folder.resolve(a.id());
    if (bytesInDatabase && !Files.exists(file)) fetch(a, file);
    return file;
  }

  private void fetch(Attachment a, Path file) {
    Path partial = folder.resolve(a.id() + ".fetch-" + Long.toUnsignedString(RANDOM.nextLong(), 36));
    try {
      byte[] bytes = db.read(tx -> AttachmentSql.bytes(tx.connection(), a.id())).orElse(null);
      if (bytes == null) {
        log.warn("attachment {} has no bytes in the database", a.id());
        return;
      }
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      if (bytes.length != a.size() || !sha.equals(a.sha256())) {
        log.warn("attachment {}: the database holds {} bytes that do not match the file stored", a.id(), bytes.length);
        return;
      }
      Files.write(partial, bytes);
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      log.warn("cannot fetch attachment {} from the database", a.id(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    } finally {
      deleteQuietly(partial);
    }
  }

  /**
   * The attachments {@code ids} names, for a new task or message of {@code sessionKey}: each must
   * exist and belong to the session, and together they must be within the limits. Marks them used,
   * so they are not purged before the task that uses them is linked.
   *
   * @throws LaneException {@code not_found} for an unknown id or another session's, {@code too_large}
   *     over the count or size limit, {@code bad_request} for an id named twice
   */
  public List<Attachment> forSession(String sessionKey, List<String> ids) {
    if (ids.size() > limits.maxPerTask()) {
      throw new LaneException(ErrorCode.TOO_LARGE, ids.size() + " attachments; at most " + limits.maxPerTask()
          + " go with one task");
    }
    if (new HashSet<>(ids).size() != ids.size()) {
      throw new LaneException(ErrorCode.BAD_REQUEST, "an attachment is named twice");
    }
    List<Attachment> out = new ArrayList<>();
    long total = 0;
    for (String id : ids) {
      Attachment a = find(id).filter(x -> x.sessionKey().equals(sessionKey))
          .orElseThrow(() -> new LaneException(ErrorCode.NOT_FOUND, "no attachment " + id + " in " + sessionKey));
      total += a.size();
      out.add(a);
    }
    if (total > limits.maxTaskBytes()) {
      throw new LaneException(ErrorCode.TOO_LARGE, "the attachments have " + total + " bytes; at most "
          + limits.maxTaskBytes() + " go with one task");
    }
    Instant now = clock.instant();
    if (!out.isEmpty()) db.write(tx -> {
      AttachmentSql.used(tx.connection(), out, now);
      return null;
    });
    return out;
  }

  /** How a task's input names its attachments: {@code [{"id", "name", "mediaType", "size"}]}, names unique. */
  public static ArrayNode describe(List<Attachment> attachments) {
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    Set<String> taken = new LinkedHashSet<>();
    for (Attachment a : attachments) {
      list.addObject().put("id", a.id()).put("name", FileNames.unique(a.name(), taken)).put("mediaType", a.mediaType())
          .put("size", a.size());
    }
    return list;
  }

  /** Records that {@code task} uses these attachments: they live as long as it does. */
  public void link(TaskId task, List<Attachment> attachments) {
    if (attachments.isEmpty()) return;
    db.write(tx -> {
      AttachmentSql.link(tx.connection(), task, attachments);
      return null;
    });
  }

  /** An attachment of a task, with the name it has in that task (unique among its files). */
  public record Named(Attachment attachment, String name, Path file) {}

  /**
   * The attachments a task's input names, in order; only the task's own session's.
   *
   * @throws IllegalArgumentException naming what is wrong: a malformed list, an attachment that is
   *     gone or belongs to another session
   */
  public List<Named> ofTask(Task task) {
    JsonNode refs = task.input() == null ? null : task.input().get(INPUT_FIELD);
    if (refs == null || refs.isNull()) return List.of();
    if (!refs.isArray()) throw new IllegalArgumentException("\"attachments\" must be an array");
    List<Named> out = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    for (JsonNode ref : refs) {
      String id = ref.path("id").asText(null);
      Attachment a = find(id).filter(x -> x.sessionKey().equals(task.sessionKey()))
          .orElseThrow(() -> new IllegalArgumentException("attachment " + id + " is not stored (any more)"));
      String name = FileNames.unique(FileNames.safe(ref.path("name").asText(a.name())), taken);
      out.add(new Named(a, name, file(a)));
    }
    return out;
  }

  /** Deletes the uploads no kept task uses; returns how many. */
  public int purge() {
    List<String> ids = db.write(tx -> AttachmentSql.purge(tx.connection(), clock.instant().minus(limits.keepUnused())));
    ids.forEach(id -> deleteQuietly(folder.resolve(id)));
    if (bytesInDatabase) forgetCopies();
    return ids.size();
  }

  /**
   * Deletes this node's copies of files whose rows are gone (another node purged them), once older
   * than {@link #COPY_GRACE}.
   */
  private void forgetCopies() {
    Instant before = clock.instant().minus(COPY_GRACE);
    List<String> old = new ArrayList<>();
    try (var files = Files.list(folder)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (ID.matcher(name).matches() && Files.getLastModifiedTime(p).toInstant().isBefore(before)) old.add(name);
      }
    } catch (IOException e) {
      log.warn("cannot list the attachments folder {}", folder, e);
      return;
    }
    for (int at = 0; at < old.size(); at += IDS_PER_LOOKUP) {
      List<String> some = old.subList(at, Math.min(old.size(), at + IDS_PER_LOOKUP));
      Set<String> kept = db.read(tx -> AttachmentSql.existing(tx.connection(), some));
      some.stream().filter(id -> !kept.contains(id)).forEach(id -> deleteQuietly(folder.resolve(id)));
    }
  }

  /** Purges every minute until closed. */
  public synchronized void start() {
    if (purger != null) return;
    purger = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tasklane-attachments").daemon(true)
        .factory());
    purger.scheduleWithFixedDelay(() -> {
      try {
        int n = purge();
        if (n > 0) log.info("deleted {} attachments no kept task uses", n);
      } catch (RuntimeException e) {
        log.warn("purging attachments failed; tried again in a minute", e);
      }
    }, 1, 1, TimeUnit.MINUTES);
  }

  @Override
  public synchronized void close() {
    if (purger != null) purger.shutdownNow();
    purger = null;
  }

  private static long copyAtMost(InputStream in, OutputStream out, long max) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    for (int n; (n = in.read(buf)) >= 0; ) {
      total += n;
      if (total > max) {
        throw new LaneException(ErrorCode.TOO_LARGE, "the file is larger than " + max + " bytes, the limit");
      }
      out.write(buf, 0, n);
    }
    return total;
  }

  private static String newId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    String id = new java.math.BigInteger(1, b).toString(36);
    return "0".repeat(25 - id.length()) + id;
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("cannot delete {}", p, e);
    }
  }
}
