"""The build's one hook: the modules listed in pyproject.toml's ``[tool.milia-kg] compiled``, compiled by Cython.

Why (issue 22; docs/dependencies.md, "Compiled modules"): the OWL 2 RL engine and the OBO merge spend their
time in Python's interpreter loop, a few dict, set and tuple operations per triple. Cython compiles the
same ``.py`` files, unchanged, to C extension modules that skip that loop. What they compute does not
change (tests/test_compiled.py), and the ``.py`` files ship as well:

- an extension that fails to build (no C compiler, no Python headers) is skipped with a warning
  (``optional=True``), and its ``.py`` file runs instead;
- editable installs (``pip install -e``) compile nothing, so an edit to a source takes effect at once;
- ``MILIA_KG_PURE_PYTHON=1`` at build time compiles nothing.

Annotations are not read as C types (``annotation_typing=False``): an annotation stays a hint, as it is
for the interpreter (a ``defaultdict`` is passed where ``dict`` is written).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class OptionalCythonBuild(build_ext):
    """Compile the listed modules when the build makes a wheel (not an editable install, not pure)."""

    def run(self) -> None:
        if self.editable_mode or os.environ.get("MILIA_KG_PURE_PYTHON", "") not in ("", "0"):
            return
        try:
            from Cython.Build import cythonize
        except ImportError:  # built without isolation, where Cython is not installed
            print("milia-kg: Cython is not installed; every module runs as Python")
            return
        translated = cythonize(
            self.extensions, build_dir=os.path.join(self.build_temp, "cython"), quiet=True,
            compiler_directives={"language_level": 3, "annotation_typing": False})
        sources = {extension.name: extension.sources for extension in translated}
        for extension in self.extensions:  # the C files in place of the .py files, on the finalised extensions
            extension.sources = sources[extension.name]
        self.parallel = self.parallel or os.cpu_count() or 1
        super().run()


def _extensions() -> list[Extension]:
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["milia-kg"]["compiled"]
    # -g0: no debug information (a sixth of the size); the tracebacks of compiled code still name the .py lines
    return [Extension(path.removesuffix(".py").replace("/", "."), [path], optional=True, extra_compile_args=["-g0"])
            for path in listed]


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalCythonBuild})
