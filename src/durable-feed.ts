// A SUBSCRIBE feed that hands out a batch of changes only once the log records behind it are
// durable (group commit): a subscriber, like a reader, never sees a change a crash could take back.

import type { Database } from "./database.js";
import type { ChangeFeedHandle } from "./types/index.js";

export function durableFeed(db: Database, feed: ChangeFeedHandle): ChangeFeedHandle {
  return {
    columns: feed.columns,
    async next() {
      const batch = await feed.next();
      // the changes were logged before they were published: everything logged so far covers them
      if (batch !== null) await db.durable();
      return batch;
    },
    cancel: () => feed.cancel(),
  };
}
