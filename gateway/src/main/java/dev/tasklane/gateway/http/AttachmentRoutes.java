package dev.tasklane.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.attachments.Attachment;
import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.gateway.api.Json;
import dev.tasklane.gateway.api.Params;
import dev.tasklane.gateway.api.TaskApi;
import dev.tasklane.gateway.auth.AccessToken;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * {@code /v1/attachments}: upload a file to a session (the raw bytes as the body, up to the file
 * limit, not the request limit), and download one of a session the caller may see. Tasks and
 * messages then name uploads by id. Authenticated and rate limited with the rest of {@code /v1}.
 */
public final class AttachmentRoutes {
  private final AttachmentStore store;

  /** @param store null answers every request with {@code bad_request}: this server takes no attachments */
  public AttachmentRoutes(AttachmentStore store) {
    this.store = store;
  }

  public void install(RoutesConfig routes) {
    routes.post("/v1/attachments", this::upload);
    routes.get("/v1/attachments/{id}", this::download);
  }

  /** {@code ?sessionKey=&name=}, the type from {@code Content-Type}: 201 with the attachment. */
  private void upload(Context ctx) throws IOException {
    AttachmentStore s = store();
    Params p = Params.fromQuery(ctx.queryParamMap());
    String sessionKey = p.requiredString("sessionKey");
    AccessToken who = ctx.attribute(TaskRoutes.WHO);
    TaskApi.checkSession(who, sessionKey);
    Attachment a;
    try (InputStream body = ctx.bodyInputStream()) {
      a = s.put(sessionKey, p.string("name"), ctx.header("Content-Type"), body, who.name());
    }
    HttpJson.ok(ctx, 201, json(a));
  }

  /** The bytes, as a download (never rendered in the page: {@code nosniff}, {@code attachment}). */
  private void download(Context ctx) throws IOException {
    AccessToken who = ctx.attribute(TaskRoutes.WHO);
    String id = ctx.pathParam("id");
    Attachment a = store().find(id).filter(x -> who.allows(x.sessionKey()))
        .orElseThrow(() -> new LaneException(ErrorCode.NOT_FOUND, "no attachment " + id));
    ctx.header("Content-Disposition", "attachment; filename*=UTF-8''"
        + URLEncoder.encode(a.name(), StandardCharsets.UTF_8).replace("+", "%20"));
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Content-Length", Long.toString(a.size()));
    ctx.contentType(a.mediaType());
    ctx.result(Files.newInputStream(store.file(a)));
  }

  /** The wire shape of an attachment. */
  public static ObjectNode json(Attachment a) {
    return Json.object().put("id", a.id()).put("sessionKey", a.sessionKey()).put("name", a.name())
        .put("mediaType", a.mediaType()).put("size", a.size()).put("sha256", a.sha256())
        .put("createdAt", a.createdAt().toString());
  }

  private AttachmentStore store() {
    if (store == null) throw new LaneException(ErrorCode.BAD_REQUEST, "this server takes no attachments");
    return store;
  }
}
