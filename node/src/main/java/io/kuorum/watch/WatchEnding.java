package io.kuorum.watch;

import io.grpc.Status;

/**
 * Why a member ends a watch it cannot carry on. When {@code resumable}, the client has lost nothing
 * it saw: the status names the revision to resume from (the watcher knows it when it ends).
 *
 * @param reason what happened, as a sentence fragment the status description starts with
 */
record WatchEnding(Status.Code code, String reason, boolean resumable) {}
