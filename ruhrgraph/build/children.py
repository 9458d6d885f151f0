"""The child processes of a build, both ends: starting them, and their ``python -m`` mains.

`ruhrgraph build` runs two steps as child processes of its own:

* the **store job** (``python -m ruhrgraph.build.children store-job JOB.json``), which runs
  :func:`ruhrgraph.store.job.run` beside the validation: pyoxigraph's dump keeps the
  interpreter lock, so in a thread it would wait for pySHACL and pySHACL for it;
* the **ontology docs** (``python -m ruhrgraph.build.children ontology-doc ONTOLOGY.ttl
  OUT.html``), which runs :func:`ruhrgraph.graph.ontodoc.write_html` from the build's start,
  on the second core, and keeps pyLODE's logging set-up (it configures the root logger on
  import) out of the build's process.

Child processes die with the build: :func:`die_with_parent` at a child's start. When the
build itself is killed (``kill -9``, the OOM killer), nothing in it can stop them: they
would go on loading, dumping and writing into a staging directory the next build removes,
competing with that build for the cores. On Linux the kernel can deliver a signal to a
process when its parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from ruhrgraph.build.report import BuildError, Progress
from ruhrgraph.config import ROOT
from ruhrgraph.iris import Iris
from ruhrgraph.namespaces import OA, ORG, PREFIXES, RG, SCHEMA, SKOS, TIME

ONTOLOGY_FILE = ROOT / "ontology" / "ruhrgraph.ttl"
DUMP_NAME = "ruhrgraph"
#: manifest count name -> class IRI; ``organisations`` leaves out the ministries.
COUNTED = {
    "programmes": str(RG.Programme),
    "action_fields": SKOS + "Concept",
    "projects": str(RG.Project),
    "measures": str(RG.Measure),
    "durations": TIME + "ProperInterval",
    "ministries": str(RG.Ministry),
    "places": SCHEMA + "Place",
    "organisations": ORG + "Organization",
    "mentions": OA + "Annotation",
}
COUNT_EXCLUDE = {"organisations": (str(RG.Ministry),)}

_CHILDREN = "ruhrgraph.build.children"
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent ends; exit at once if the
    parent has already ended (the orphan was adopted before the request took effect)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):
        return
    if parent == 1 or os.getppid() != parent:
        os._exit(1)


# --- the build's end --------------------------------------------------------------------


def pylode_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pylode")
    except PackageNotFoundError:
        return "unknown"


def reusable_ontology_doc(build_dir: Path, ontology_sha256: str) -> tuple[Path, str] | None:
    """The current release's ontology.html and its build id, if the same ontology file was
    rendered by the same pyLODE version: the page is a function of those two alone."""
    current = build_dir / "current"
    try:
        previous = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    info = previous.get("ontology", {})
    page = current / "ontology.html"
    if (info.get("sha256") == ontology_sha256 and info.get("pylode") == pylode_version()
            and page.is_file()):
        return page, info.get("html_from") or previous.get("build_id", "")
    return None


def start_ontology_doc(target: Path, log: Path) -> subprocess.Popen:
    with log.open("wb") as err:
        return subprocess.Popen([sys.executable, "-m", _CHILDREN, "ontology-doc",
                                 str(ONTOLOGY_FILE), str(target)],
                                stdout=subprocess.DEVNULL, stderr=err, cwd=str(ROOT))


def finish_ontology_doc(doc: subprocess.Popen, staging: Path) -> None:
    """Wait for pyLODE; :class:`BuildError` with the end of its log if it failed."""
    if doc.wait() != 0:
        log = (staging / "ontodoc.log").read_text(errors="replace")[-2000:]
        raise BuildError(f"pyLODE failed on {ONTOLOGY_FILE}:\n{log}")
    (staging / "ontodoc.log").unlink()


def start_store_job(staging: Path, nquads: Path, iris: Iris,
                    progress: Progress) -> subprocess.Popen:
    job = {"release": str(staging), "nquads": str(nquads), "progress": progress.enabled,
           "graph_files": [[str(ONTOLOGY_FILE), iris.graph("ontology")]],
           "dump_name": DUMP_NAME, "prefixes": PREFIXES,
           "count_graph": iris.graph("catalogue"), "count": COUNTED,
           "count_exclude": COUNT_EXCLUDE}
    path = staging / "storejob.json"
    path.write_text(json.dumps(job), encoding="utf-8")
    # On a terminal the job's progress and errors go straight to it; else they are kept.
    return subprocess.Popen([sys.executable, "-m", _CHILDREN, "store-job", str(path)],
                            stdout=subprocess.PIPE, cwd=str(ROOT),
                            stderr=None if progress.enabled else subprocess.PIPE)


def finish_store_job(job: subprocess.Popen, staging: Path) -> dict:
    """The store job's result (:func:`ruhrgraph.store.job.run`), or :class:`BuildError`."""
    out, err = job.communicate()
    if job.returncode != 0:
        said = err.decode("utf-8", "replace")[-4000:] if err else "(see above)"
        raise BuildError(f"the store step failed:\n{said}")
    (staging / "storejob.json").unlink()
    return json.loads(out)


# --- the child's end ----------------------------------------------------------------------


def store_job_main(args: list[str]) -> int:
    from ruhrgraph import store as rstore
    from ruhrgraph.store import job as store_job

    if len(args) != 1:
        print(f"usage: python -m {_CHILDREN} store-job JOB.json", file=sys.stderr)
        return 2
    job = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    try:
        result = store_job.run(job)
    except (rstore.LoadError, rstore.StoreError, OSError) as error:
        print(f"store step failed: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(json.dumps(result))
    return 0


def ontology_doc_main(args: list[str]) -> int:
    from ruhrgraph.graph.ontodoc import write_html

    if len(args) != 2:
        print(f"usage: python -m {_CHILDREN} ontology-doc ONTOLOGY.ttl OUT.html",
              file=sys.stderr)
        return 2
    write_html(args[0], args[1])
    return 0


MAINS = {"store-job": store_job_main, "ontology-doc": ontology_doc_main}


def main(argv: list[str] | None = None) -> int:
    """``store-job JOB.json`` or ``ontology-doc ONTOLOGY.ttl OUT.html``; run as the build's
    child (``argv`` None), the process first asks to die with its parent."""
    if argv is None:
        die_with_parent()
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in MAINS:
        print(f"usage: python -m {_CHILDREN} {{{','.join(MAINS)}}} ARGS...", file=sys.stderr)
        return 2
    return MAINS[args[0]](args[1:])


if __name__ == "__main__":
    sys.exit(main())
