"""A folder run on a Ray cluster: the same work as `run_batch`, spread over workers.

The driver (this process) discovers the inputs (or collects a feed run's new
articles, already read: see `follow`), skips finished ones and owns the state
database, `report.json` and `index.md`, exactly as the local run does (`run.Driver`).
Workers are Ray actors, each loading the models once, then taking groups of articles
(the same groups the local run makes, `work.plan_groups`) and running the same code on
them (`work.process_group`): read from the input folder, translate, brief, write to
the output folder. Each article's result streams back as soon as it is written, so
the driver records it and moves the progress line at once.

The translation memory stays the driver's: a small actor on the driver's node holds
its file and every worker looks up and stores through it (`ray_memory` says why), so
what the cluster translates is remembered for the next run, local or on Ray.

How many workers: one per GPU when the cluster has GPUs and the device allows CUDA;
otherwise one per `cpus_per_worker` CPUs of the cluster, each engine using that many
threads. `workers` caps the count.

Faults: a worker that dies (killed, out of memory, its node lost) is replaced; the
articles it had not finished are cleaned up (no half-written outputs stay) and given
to a worker again, up to `max_attempts` times each, then recorded as failed with the
reason. Ctrl-C on the driver kills the workers, removes what the unfinished articles
had written, and writes the report; the next run resumes.

Limits: every node must see the input and output folders at the same paths (a
shared filesystem) and have translate-sum, its dependencies and the models installed;
the driver records results one by one (thousands of articles per second, far above
what translation workers produce) and hashes every input itself before handing it out.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from translate_sum.batch.options import BatchOptions, Models, ModelSpec
from translate_sum.batch.ray_join import check_client, check_reachable, connect, import_ray
from translate_sum.batch.ray_memory import RemoteMemory, end_keeper_run, start_keeper, stop_keeper
from translate_sum.batch.report import ArticleResult, BatchReport
from translate_sum.batch.run import BatchProgress, Driver
from translate_sum.batch.state import options_fingerprint
from translate_sum.batch.work import WorkItem, Workplace, describe, process_group
from translate_sum.errors import Hint, TranslateSumError

if TYPE_CHECKING:
    from translate_sum.memory import MemoryOptions

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
"""Times an article is handed to a worker that then dies, before it is recorded failed."""

WORKER_NAME = "translate-sum-worker"
"""Workers are named this, then the driver's process id and start time, then a count."""

QUEUED_PER_WORKER = 2
"""Groups given to a worker at once: one working, one waiting, so it never idles."""


@dataclass(frozen=True)
class RayOptions:
    """Where and how a folder run uses Ray."""

    address: str | None = None  # None: start or join a local instance; "auto" or "ray://host:port": join
    workers: int | None = None  # None: as many as the cluster's CPUs (or GPUs) allow
    cpus_per_worker: int = 1  # CPUs reserved per worker, and its engine's threads
    max_attempts: int = MAX_ATTEMPTS


class ArticleWorker:
    """A Ray actor's body: models loaded once, then groups of articles on demand."""

    def __init__(self, spec: ModelSpec, memory: RemoteMemory | None = None) -> None:
        self.spec = spec
        self.memory = memory  # the driver's translation memory (`ray_memory`), or None
        self.models: Models | None = None
        self.articles = 0

    def load(self) -> dict[str, Any]:
        """Load the models now (errors reach the driver); where this worker runs."""
        self._models()
        import ray

        return {"node": ray.util.get_node_ip_address(), "pid": os.getpid(), "threads": self.spec.threads}

    def _models(self) -> Models:
        if self.models is None:
            if self.spec.threads:
                _set_torch_threads(self.spec.threads)
            self.models = self.spec.load(self.memory)
        return self.models

    def process(self, place: Workplace, group: list[WorkItem]) -> Iterator[ArticleResult]:
        """Each article's result of the group, as soon as its outputs are written."""
        for result in process_group(place, group, self._models):
            self.articles += 1
            yield result

    def stats(self) -> dict[str, Any]:
        """Articles done here since the last call, and this process's peak memory (resident set)."""
        import resource

        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        articles, self.articles = self.articles, 0  # per run: a warm worker serves several
        return {"pid": os.getpid(), "articles": articles, "peak_rss_mb": round(peak_kib / 1024, 1)}


def _set_torch_threads(threads: int) -> None:
    # The transformers engine computes with torch's process-wide thread pool; a worker
    # owns its process, so its share of the machine is set here.
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(threads)


@dataclass
class _Task:
    """A group handed to one worker; `left` are the items it has not reported yet."""

    slot: int
    left: list[WorkItem]
    stream: Any  # the ObjectRefGenerator of ArticleWorker.process


class _Pool:
    """The workers: started, replaced when they die, killed at the end.

    In a process that called `ray.init` itself, a pool outlives its run and serves the
    next run with the same models (no second model load); `shutdown_workers` ends it.
    """

    def __init__(
        self, ray: Any, spec: ModelSpec, count: int, cpus: int, gpus: float, memory: MemoryOptions | None = None
    ) -> None:
        self.ray = ray
        self.memory_options = memory
        self.keeper: Any = None  # the translation memory's actor on this node (`ray_memory`)
        self.spec = dataclasses.replace(spec, threads=cpus, device="cuda" if gpus else spec.device)
        self.actor_class = ray.remote(ArticleWorker)
        self.resources = {"num_cpus": cpus, "num_gpus": gpus, "max_restarts": 0}
        self.count = count
        # Named, so an operator (or a test) can find them: `ray list actors`, `ray.get_actor`.
        self.token = f"{os.getpid()}-{int(time.time())}"
        self.started = 0
        self.slots: list[Any] = []
        self.replaced = 0
        self.info: list[dict[str, Any]] = []
        self.key: tuple[Any, ...] = ()

    def start(self) -> None:
        """Start every worker and load its models; a model that cannot load fails the run here."""
        if self.slots:
            return  # warm from an earlier run
        self.keeper = start_keeper(self.ray, self.memory_options, self.token)
        self.slots = [self._new_worker() for _ in range(self.count)]
        log.info("starting %d Ray workers (%s threads each)", self.count, self.spec.threads)
        try:
            self.info = self.ray.get([worker.load.remote() for worker in self.slots])
        except self.ray.exceptions.RayTaskError as exc:
            cause = getattr(exc, "cause", None)
            if isinstance(cause, TranslateSumError):
                raise cause from None
            raise

    def replace(self, slot: int) -> None:
        """A new worker in place of a dead one (it loads its models on its first group)."""
        self.ray.kill(self.slots[slot], no_restart=True)
        self.slots[slot] = self._new_worker()
        self.replaced += 1

    def _new_worker(self) -> Any:
        self.started += 1
        name = f"{WORKER_NAME}-{self.token}-{self.started}"
        memory = RemoteMemory(self.keeper) if self.keeper is not None else None
        return self.actor_class.options(name=name, **self.resources).remote(self.spec, memory)

    def submit(self, slot: int, place: Workplace, group: list[WorkItem]) -> _Task:
        stream = self.slots[slot].process.options(num_returns="streaming").remote(place, group)
        return _Task(slot, list(group), stream)

    def stats(self) -> list[dict[str, Any]]:
        """Each live worker's node, articles and peak memory; empty when they cannot answer."""
        refs = [worker.stats.remote() for worker in self.slots]
        ready, _ = self.ray.wait(refs, num_returns=len(refs), timeout=10)
        stats = []
        for index, ref in enumerate(refs):
            if ref in ready:
                try:
                    entry = self.ray.get(ref)
                except self.ray.exceptions.RayError:
                    continue
                if index < len(self.info):
                    entry = {**self.info[index], **entry}
                stats.append(entry)
        return stats

    def kill(self) -> None:
        for worker in self.slots:
            try:
                self.ray.kill(worker, no_restart=True)
            except Exception:  # already gone, or from a Ray session since shut down
                log.debug("could not kill a Ray worker", exc_info=True)
        self.slots = []
        stop_keeper(self.ray, self.keeper)
        self.keeper = None
        _WARM.pop(self.key, None)


_WARM: dict[tuple[Any, ...], _Pool] = {}
"""Pools kept between runs of a process that manages Ray itself, by models and shape."""


def _pool_for(ray: Any, spec: ModelSpec, ray_options: RayOptions, memory: MemoryOptions | None = None) -> _Pool:
    count, cpus, gpus = plan_workers(ray.cluster_resources(), ray_options, spec.device)
    key = (ray.get_runtime_context().get_job_id(), spec, count, cpus, gpus, memory)
    pool = _WARM.get(key)
    if pool is None:
        # One warm pool at a time: another would hold the CPUs this one needs.
        shutdown_workers()
        pool = _Pool(ray, spec, count, cpus, gpus, memory)
        pool.key = key
    return pool


def shutdown_workers() -> None:
    """End the Ray workers kept warm between runs (a process that called `ray.init`)."""
    for pool in list(_WARM.values()):
        pool.kill()


def plan_workers(resources: dict[str, float], ray_options: RayOptions, device: str) -> tuple[int, int, float]:
    """(workers, CPUs each, GPUs each) for a cluster with these total resources.

    One worker per GPU when there are GPUs and `device` allows CUDA; otherwise one per
    `cpus_per_worker` CPUs. At least one worker; never more than `workers` when set.
    """
    cpus = max(1, ray_options.cpus_per_worker)
    gpus = int(resources.get("GPU", 0))
    if gpus and device in ("auto", "cuda"):
        count, per_gpu = gpus, 1.0
    else:
        count, per_gpu = int(resources.get("CPU", 1)) // cpus, 0.0
    if ray_options.workers is not None:
        count = min(count, ray_options.workers) if count else ray_options.workers
    return max(1, count), cpus, per_gpu


def run_on_ray(
    input_dir: str | Path,
    output_dir: str | Path,
    options: BatchOptions,
    spec: ModelSpec,
    ray_options: RayOptions | None = None,
    progress: BatchProgress | None = None,
    memory: MemoryOptions | None = None,
) -> BatchReport:
    """`run_batch` on Ray workers: same outputs, report, resume and exit statuses.

    `spec` names the models each worker loads; with `memory`, the workers share the
    translation memory through the driver (`ray_memory`). Ray is joined or started here
    (`RayOptions.address`) and shut down at the end, unless this process already
    called `ray.init`: then the workers stay up, models loaded, for the next run with
    the same spec, until `shutdown_workers()` or `ray.shutdown()`. Raises like `run_batch`, and
    EngineUnavailable when Ray is not installed.
    """
    ray_options = ray_options or RayOptions()
    options = dataclasses.replace(options, models=spec.names(), translate_options=spec.options)
    ray = import_ray()
    check_client(ray_options.address)
    check_reachable(ray_options.address)
    # A named cluster is joined now, so a wrong one fails before the output folder is
    # made; a local instance is started only once there is work (a rerun may have none).
    started_here = connect(ray_options.address) if ray_options.address else False
    try:
        driver = Driver(input_dir, Path(output_dir), options, options_fingerprint(options), spec.options, progress)
    except BaseException:
        if started_here:
            ray.shutdown()
        raise
    pool: _Pool | None = None
    in_flight: dict[Any, _Task] = {}
    interrupted = False
    try:
        driver.tell("")
        groups = driver.groups()
        first = next(groups, None)
        if first is not None:
            driver.tell("(starting Ray workers)")
            if not ray_options.address:
                started_here = connect(None)
            pool = _pool_for(ray, spec, ray_options, memory)
            pool.start()
            _Scheduler(ray, driver, pool, first, groups, in_flight, ray_options.max_attempts).run()
        workers = pool.stats() if pool is not None else []
        if pool is not None and pool.replaced:
            log.warning("%d Ray worker(s) died and were replaced", pool.replaced)
    except KeyboardInterrupt:
        interrupted = True
        workers = []
        log.info("interrupted: %d of %d articles recorded", driver.recorded, driver.total)
        if pool is not None:
            _cancel(ray, driver, pool, in_flight)
    except BaseException:
        # A fatal error (a model that cannot load, workers that keep dying): stop the
        # workers, take back half-written articles, leave a report of what was done.
        if pool is not None:
            _cancel(ray, driver, pool, in_flight)
        driver.save(False)
        _close(ray, driver, pool, started_here)
        raise
    try:
        return driver.save(interrupted, workers)
    finally:
        _close(ray, driver, pool, started_here)


def _close(ray: Any, driver: Driver, pool: _Pool | None, started_here: bool) -> None:
    driver.close()
    if pool is not None:
        end_keeper_run(ray, pool.keeper)  # the run's memory counts, for `memory stats`
    if started_here:
        if pool is not None:
            stop_keeper(ray, pool.keeper)  # closes the memory file before Ray goes
        ray.shutdown()  # its workers end with it
    elif pool is not None and pool.slots:
        # The caller manages Ray: keep the loaded workers for its next run.
        _WARM[pool.key] = pool


class _Scheduler:
    """Keep every worker fed; record results as they stream in; replace dead workers.

    `in_flight` (stream -> task) is the caller's dict, filled and emptied here, so that
    on an interruption or a fatal error the caller still knows what each worker held.
    """

    def __init__(
        self,
        ray: Any,
        driver: Driver,
        pool: _Pool,
        first: list[WorkItem],
        groups: Iterator[list[WorkItem]],
        in_flight: dict[Any, _Task],
        max_attempts: int,
    ) -> None:
        self.ray = ray
        self.driver = driver
        self.pool = pool
        self.groups = groups
        self.in_flight = in_flight
        self.max_attempts = max_attempts
        # Groups to hand out before new ones: the first (already drawn) and retries.
        self.retry: deque[list[WorkItem]] = deque([first])
        self.exhausted = False  # `groups` has nothing more
        self.attempts: dict[str, int] = {}  # input -> times its worker died on it
        self.deaths_since_progress = 0

    def run(self) -> None:
        """Hand out groups and take results until every group is done."""
        self._feed()
        while self.in_flight:
            ready, _ = self.ray.wait(list(self.in_flight), num_returns=1, timeout=1.0)
            for stream in ready:
                self._receive(stream)
            self._feed()

    def _next_group(self) -> list[WorkItem] | None:
        if self.retry:
            return self.retry.popleft()
        if self.exhausted:
            return None
        group = next(self.groups, None)
        self.exhausted = group is None
        return group

    def _feed(self) -> None:
        """Give each worker groups until it holds `QUEUED_PER_WORKER` or none are left."""
        for slot in range(self.pool.count):
            while sum(1 for t in self.in_flight.values() if t.slot == slot) < QUEUED_PER_WORKER:
                group = self._next_group()
                if group is None:
                    return
                task = self.pool.submit(slot, self.driver.place, group)
                self.in_flight[task.stream] = task

    def _receive(self, stream: Any) -> None:
        """Take the next result of a ready stream: an article, its end, or a failure."""
        task = self.in_flight.get(stream)
        if task is None:  # dropped with its dead worker earlier in this round
            return
        try:
            result = self.ray.get(next(stream))
        except StopIteration:
            del self.in_flight[stream]
            if task.left:  # the worker ended the group without a word on some items
                self.retry.append(task.left)
            return
        except self.ray.exceptions.RayActorError as exc:
            self._worker_died(task.slot, _death_reason(exc))
            return
        except self.ray.exceptions.RayTaskError as exc:
            self._group_failed(stream, task, exc)
            return
        task.left = [item for item in task.left if item.input != result.input]
        self.deaths_since_progress = 0
        self.driver.record(result)

    def _group_failed(self, stream: Any, task: _Task, exc: BaseException) -> None:
        """process_group itself failed (not one article): its articles fail with the reason."""
        del self.in_flight[stream]
        cause = getattr(exc, "cause", None) or exc
        for item in task.left:
            reason = describe(cause, self.driver.place.options.flag_names)
            self.driver.record(ArticleResult(item.input, "failed", reason, [], 0.0, item.sha256))

    def _worker_died(self, slot: int, reason: str) -> None:
        """Clean up and hand out again what a dead worker held; start one in its place."""
        self.deaths_since_progress += 1
        if self.deaths_since_progress > self.pool.count * self.max_attempts:
            raise WorkersKeepDying(f"Ray workers keep dying before finishing an article (last: {reason})")
        log.warning("a Ray worker died (%s); replacing it and retrying its articles", reason)
        for stream, task in list(self.in_flight.items()):
            if task.slot != slot:
                continue
            del self.in_flight[stream]
            remove_partial_outputs(self.driver.place, task.left)
            self._retry_or_fail(task.left, reason)
        self.pool.replace(slot)

    def _retry_or_fail(self, items: list[WorkItem], reason: str) -> None:
        """Queue again the items a dead worker left; record failed those out of attempts."""
        again = []
        for item in items:
            self.attempts[item.input] = self.attempts.get(item.input, 0) + 1
            if self.attempts[item.input] >= self.max_attempts:
                error = f"{item.input}: the worker translating it died {self.attempts[item.input]} times (last: {reason})"
                self.driver.record(ArticleResult(item.input, "failed", error, [], 0.0, item.sha256))
            else:
                again.append(item)
        if again:
            self.retry.append(again)


class WorkersKeepDying(TranslateSumError):
    """Every replacement worker dies too (a model that does not fit in memory, say)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, Hint("give each worker more memory, or fewer workers per node with {option}", "cpus_per_worker"))


def _death_reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    # Ray's messages run to paragraphs; the first sentence says what happened.
    first = text.split(". ")[0]
    return first[:200] or type(exc).__name__


def _cancel(ray: Any, driver: Driver, pool: _Pool, in_flight: dict[Any, _Task]) -> None:
    """Stop every worker, then take back what their unfinished articles wrote.

    Results already on their way are still recorded (their outputs are whole).
    """
    pool.kill()
    streams = list(in_flight)
    # Wait (briefly) until the workers are gone, so nothing is written after the cleanup.
    deadline = time.monotonic() + 10
    while streams and time.monotonic() < deadline:
        ready, streams = ray.wait(streams, num_returns=len(streams), timeout=max(0.1, deadline - time.monotonic()))
        for stream in ready:
            task = in_flight[stream]
            try:
                result = ray.get(next(stream))
            except (StopIteration, ray.exceptions.RayError):
                continue
            task.left = [item for item in task.left if item.input != result.input]
            driver.record(result)
            streams.append(stream)  # more may follow: keep draining
    for task in in_flight.values():
        remove_partial_outputs(driver.place, task.left)
    in_flight.clear()


def remove_partial_outputs(place: Workplace, items: list[WorkItem]) -> None:
    """Remove what unfinished articles may have written: outputs and temporary files."""
    for item in items:
        for output in item.outputs:
            path = place.output_dir / output
            path.unlink(missing_ok=True)
            for temporary in path.parent.glob(f".{path.name}.*.tmp"):
                temporary.unlink(missing_ok=True)
