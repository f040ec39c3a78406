import assert from "node:assert/strict";
import { TendError } from "../../src/errors.ts";
import { ControlClient } from "../../src/ipc/client.ts";
import { serveControl } from "../../src/ipc/server.ts";
import { makeTempDir, tendError } from "../fence/_helpers.ts";
import {
  cleanupAnswer,
  type FakeHandler,
  fakeHandler,
  PING,
  RELOAD,
  STATUS,
  view,
} from "./_fake_handler.ts";

/** Serves `handler` on a socket in a fresh temp dir while `body` runs. */
async function withServer(
  handler: FakeHandler,
  body: (socket: string) => Promise<void>,
): Promise<void> {
  await using dir = await makeTempDir();
  const socket = dir.join("tend.sock");
  const controller = new AbortController();
  const server = serveControl(socket, { handler, signal: controller.signal });
  try {
    await body(socket);
  } finally {
    controller.abort();
    await server.finished;
  }
}

Deno.test("serveControl() listens on a socket with mode 0600", async () => {
  await withServer(fakeHandler(), async (socket) => {
    const info = await Deno.lstat(socket);
    assert.equal(info.mode! & 0o777, 0o600);
  });
});

const RUN_MARKS_ONE_OFF = true;

Deno.test("ControlClient calls every endpoint of a live server", async (t) => {
  const handler = fakeHandler();
  await withServer(handler, async (socket) => {
    using client = new ControlClient(socket);
    assert.equal(client.socket, socket);
    await t.step("ping()", async () => {
      assert.deepEqual(await client.ping(), PING);
    });
    await t.step("status()", async () => {
      assert.deepEqual(await client.status(), STATUS);
    });
    await t.step("start()", async () => {
      assert.deepEqual(await client.start(["web"]), {
        results: [{ name: "web", action: "started", service: view("web") }],
      });
    });
    await t.step("stop()", async () => {
      assert.deepEqual(await client.stop([]), { results: [] });
    });
    await t.step("restart()", async () => {
      assert.deepEqual(await client.restart(["a", "b"]), {
        results: [
          { name: "a", action: "restarted", service: view("a") },
          { name: "b", action: "restarted", service: view("b") },
        ],
      });
    });
    await t.step("reload()", async () => {
      assert.deepEqual(await client.reload(), RELOAD);
    });
    await t.step("run()", async () => {
      const answer = await client.run({
        name: "docs",
        command: "python3",
        args: ["-m", "http.server"],
        port: 8700,
        ready: { http: "http://127.0.0.1:{port}/" },
      });
      assert.equal(answer.results[0]?.service.oneOff, RUN_MARKS_ONE_OFF);
    });
    await t.step("cleanup()", async () => {
      assert.deepEqual(
        await client.cleanup({ dryRun: true }),
        cleanupAnswer({ dryRun: true }),
      );
    });
    await t.step("shutdown()", async () => {
      assert.equal(await client.shutdown({ stopServices: true }), undefined);
    });
  });
  assert.deepEqual(handler.calls, [
    ["ping", undefined],
    ["status", undefined],
    ["start", ["web"]],
    ["stop", []],
    ["restart", ["a", "b"]],
    ["reload", undefined],
    ["run", {
      name: "docs",
      command: "python3",
      args: ["-m", "http.server"],
      port: 8700,
      ready: { http: "http://127.0.0.1:{port}/" },
    }],
    ["cleanup", { dryRun: true }],
    ["shutdown", { stopServices: true }],
  ]);
});

Deno.test("ControlClient throws the server's TendError with its code and hint", async () => {
  const handler = fakeHandler((method) =>
    method === "start"
      ? new TendError(
        "UNKNOWN_SERVICE",
        'Cannot start "nope": no such service',
        {
          hint: "Check tend.toml",
        },
      )
      : undefined
  );
  await withServer(handler, async (socket) => {
    using client = new ControlClient(socket);
    const error = await client.start(["nope"]).then(
      () => assert.fail("start() resolved"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof TendError);
    assert.equal(error.code, "UNKNOWN_SERVICE");
    assert.equal(error.message, 'Cannot start "nope": no such service');
    assert.equal(error.hint, "Check tend.toml");
  });
});

Deno.test("ControlClient reports an internal error of the supervisor as a bug, not a TendError", async () => {
  const handler = fakeHandler((method) =>
    method === "stop" ? new Error("boom") : undefined
  );
  await withServer(handler, async (socket) => {
    using client = new ControlClient(socket);
    await assert.rejects(
      client.stop(["web"]),
      (error: unknown) =>
        !(error instanceof TendError) && error instanceof Error &&
        error.message ===
          "The supervisor failed: Cannot complete the request: boom",
    );
  });
});

Deno.test("ControlClient.ping() rethrows a TendError from a live server", async () => {
  const handler = fakeHandler((method) =>
    method === "ping"
      ? new TendError("PERMISSION_DENIED", "Cannot ping")
      : undefined
  );
  await withServer(handler, async (socket) => {
    using client = new ControlClient(socket);
    await assert.rejects(client.ping(), tendError("PERMISSION_DENIED"));
  });
});

Deno.test("ControlClient.ping() returns null when no supervisor answers", async (t) => {
  await using dir = await makeTempDir();
  await t.step("the socket file is absent", async () => {
    using client = new ControlClient(dir.join("absent.sock"));
    assert.equal(await client.ping(), null);
  });
  await t.step("the socket file is stale (no listener)", async () => {
    const live = dir.join("live.sock");
    const stale = dir.join("stale.sock");
    const listener = Deno.listen({ transport: "unix", path: live });
    await Deno.link(live, stale); // A second name that outlives the close.
    listener.close();
    assert.ok((await Deno.lstat(stale)).isFile === false);
    using client = new ControlClient(stale);
    assert.equal(await client.ping(), null);
  });
  await t.step("the path is a regular file", async () => {
    const path = dir.join("file.sock");
    await Deno.writeTextFile(path, "");
    using client = new ControlClient(path);
    assert.equal(await client.ping(), null);
  });
});

Deno.test("ControlClient methods other than ping() throw NOT_RUNNING without a server", async (t) => {
  await using dir = await makeTempDir();
  using client = new ControlClient(dir.join("absent.sock"));
  const calls: [string, () => Promise<unknown>][] = [
    ["status", () => client.status()],
    ["start", () => client.start([])],
    ["stop", () => client.stop([])],
    ["restart", () => client.restart([])],
    ["reload", () => client.reload()],
    ["cleanup", () => client.cleanup({ dryRun: true })],
    ["shutdown", () => client.shutdown({ stopServices: false })],
  ];
  for (const [label, call] of calls) {
    await t.step(label, async () => {
      await assert.rejects(call(), tendError("NOT_RUNNING"));
    });
  }
});

/**
 * Listens on a socket that reads each request, then closes the connection
 * without an answer: a supervisor that died while acting on it.
 */
async function withMuteServer(
  body: (socket: string) => Promise<void>,
): Promise<void> {
  await using dir = await makeTempDir();
  const socket = dir.join("tend.sock");
  const listener = Deno.listen({ transport: "unix", path: socket });
  const requests: Promise<void>[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      requests.push((async () => {
        const buffer = new Uint8Array(4096);
        await conn.read(buffer);
        conn.close();
      })());
    }
  })();
  try {
    await body(socket);
  } finally {
    listener.close();
    await accepting;
    await Promise.all(requests);
  }
}

Deno.test("ControlClient tells an action whose answer was lost from a supervisor it cannot reach", async (t) => {
  await withMuteServer(async (socket) => {
    using client = new ControlClient(socket);
    for (
      const [name, call, code] of [
        ["start", () => client.start(["web"]), "START_FAILED"],
        ["restart", () => client.restart(["web"]), "START_FAILED"],
        ["reload", () => client.reload(), "START_FAILED"],
        ["stop", () => client.stop(["web"]), "STOP_FAILED"],
        ["cleanup", () => client.cleanup({ dryRun: true }), "STOP_FAILED"],
        ["status", () => client.status(), "NOT_RUNNING"],
      ] as const
    ) {
      await t.step(`${name} → ${code}`, async () => {
        await assert.rejects(call, tendError(code));
      });
    }
    await t.step(
      "shutdown → done (the supervisor exits as asked)",
      async () => {
        await client.shutdown({ stopServices: true });
      },
    );
  });
});

Deno.test("ControlClient rejects an answer that does not match its schema", async (t) => {
  const bad = (value: unknown) => value as never;
  const handler: FakeHandler = {
    ...fakeHandler(),
    ping: () => bad({ pid: "4242" }),
    status: () => bad({ ...STATUS, services: [{ name: "web" }] }),
    stop: () => Promise.resolve(bad({ results: "none" })),
  };
  await withServer(handler, async (socket) => {
    using client = new ControlClient(socket);
    await t.step("status → NOT_RUNNING naming the field", async () => {
      const error = await client.status().catch((e: unknown) => e);
      assert.ok(error instanceof TendError);
      assert.equal(error.code, "NOT_RUNNING");
      assert.match(
        error.message,
        /answered \/v1\/status with an unexpected body: "services\.0\.status"/,
      );
    });
    await t.step(
      "ping() throws instead of reporting no supervisor",
      async () => {
        await assert.rejects(client.ping(), tendError("NOT_RUNNING"));
      },
    );
    await t.step("stop → STOP_FAILED", async () => {
      await assert.rejects(client.stop([]), tendError("STOP_FAILED"));
    });
  });
});

Deno.test("ControlClient leaves an answer its quick check does not settle to zod", async (t) => {
  const handler: FakeHandler = {
    ...fakeHandler(),
    // A field this version does not know: zod drops it.
    status: () => ({ ...STATUS, newer: { field: 1 } }) as never,
    ping: () => ({ ...PING, supervisor: "x" }) as never,
  };
  await withServer(handler, async (socket) => {
    using client = new ControlClient(socket);
    await t.step("status", async () => {
      assert.deepEqual(await client.status(), STATUS);
    });
    await t.step("ping", async () => {
      assert.deepEqual(await client.ping(), PING);
    });
  });
});

Deno.test("ControlClient.tryStatus() tells an answer from no supervisor", async (t) => {
  await t.step("the status of a live server", async () => {
    await withServer(fakeHandler(), async (socket) => {
      using client = new ControlClient(socket);
      assert.deepEqual(await client.tryStatus(), STATUS);
    });
  });
  await t.step("null when nothing listens", async () => {
    await using dir = await makeTempDir();
    using client = new ControlClient(dir.join("absent.sock"));
    assert.equal(await client.tryStatus({ timeoutMs: 1_000 }), null);
  });
  await t.step("null when the answer is not a status it reads", async () => {
    const handler: FakeHandler = {
      ...fakeHandler(),
      status: () => ({ ...STATUS, services: [{ name: "web" }] }) as never,
    };
    await withServer(handler, async (socket) => {
      using client = new ControlClient(socket);
      assert.equal(await client.tryStatus(), null);
    });
  });
  await t.step("the server's TendError otherwise", async () => {
    const handler = fakeHandler((method) =>
      method === "status"
        ? new TendError("PERMISSION_DENIED", "Cannot read the status")
        : undefined
    );
    await withServer(handler, async (socket) => {
      using client = new ControlClient(socket);
      await assert.rejects(client.tryStatus(), tendError("PERMISSION_DENIED"));
    });
  });
});

Deno.test("ControlClient.start() sends its launch id in the x-tend-launch header", async (t) => {
  const id = crypto.randomUUID();
  const cases: [string, { launch?: string }, string | undefined][] = [
    ["with a launch id", { launch: id }, id],
    ["without one", {}, undefined],
  ];
  for (const [label, options, expected] of cases) {
    await t.step(label, async () => {
      const launches: (string | undefined)[] = [];
      const inner = fakeHandler();
      const handler: FakeHandler = {
        ...inner,
        start(names, startOptions, launch) {
          launches.push(launch);
          return inner.start(names, startOptions);
        },
      };
      await withServer(handler, async (socket) => {
        using client = new ControlClient(socket);
        assert.deepEqual(await client.start(["web"], options), {
          results: [{ name: "web", action: "started", service: view("web") }],
        });
      });
      assert.deepEqual(launches, [expected]);
    });
  }
});
