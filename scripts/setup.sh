#!/usr/bin/env bash
# Installs what Medley needs, builds the native layer (only when its sources changed) and the .NET solution.
#   Debian/Ubuntu as root: missing packages come from apt (libtorch-dev, libopenblas0-pthread, cmake, g++).
#   Elsewhere:             LIBTORCH=/path/to/libtorch (a pytorch.org download, CPU or CUDA) is used instead.
#   MEDLEY_WITH_PYTHON=1:  also installs Debian's python3-torch/torchvision/sklearn (reference values, benchmarks) and chromium (report test).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONFIG="${MEDLEY_CONFIGURATION:-Release}"

say() { echo "[setup] $*"; }
die() { echo "[setup] error: $*" >&2; exit 1; }

missing=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
want_pkg() { have_pkg "$1" || missing+=("$1"); }

if command -v dpkg-query >/dev/null 2>&1; then
  if [ -z "${LIBTORCH:-}" ]; then
    want_pkg libtorch-dev
    want_pkg libopenblas0-pthread   # without it libtorch falls back to reference BLAS (~50x slower matmul)
  fi
  want_pkg libopencv-dev   # image decoding/resizing (native/src/image_io.cpp)
  want_pkg libgdcm-dev     # DICOM files and series (native/src/dicom_io.cpp)
  command -v cmake >/dev/null 2>&1 || missing+=(cmake)
  command -v g++ >/dev/null 2>&1 || missing+=(g++)
  if [ "${MEDLEY_WITH_PYTHON:-0}" = "1" ]; then
    want_pkg python3-torch
    want_pkg python3-torchvision
    want_pkg python3-sklearn
    want_pkg chromium        # headless browser for the report test (ReportBrowserTests)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      say "installing ${missing[*]} (apt)"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      die "missing packages: ${missing[*]}. Install them as root (apt-get install ${missing[*]}), or set LIBTORCH=/path/to/libtorch (a pytorch.org download) and install cmake and g++."
    fi
  fi
elif [ -z "${LIBTORCH:-}" ]; then
  die "libtorch not found: this is not a Debian/Ubuntu system, so set LIBTORCH=/path/to/libtorch (a pytorch.org download, CPU or CUDA) and run again."
fi
if [ -n "${LIBTORCH:-}" ] && [ ! -d "$LIBTORCH/share/cmake/Torch" ]; then
  die "LIBTORCH=$LIBTORCH does not look like a libtorch folder (no share/cmake/Torch inside)."
fi
command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK (dotnet) is not on PATH; install it from your distribution or Microsoft's packages."

# Native layer: rebuilt only when its sources or the chosen libtorch change.
BUILD="$ROOT/native/build"
STAMP="$BUILD/.medley-source-hash"
hash="$( (cd "$ROOT/native" && find CMakeLists.txt src -type f | sort | xargs sha256sum; echo "LIBTORCH=${LIBTORCH:-system}") | sha256sum | cut -d' ' -f1)"
if [ -f "$BUILD/libmedley_native.so" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$hash" ]; then
  say "native library up to date ($BUILD/libmedley_native.so)"
else
  say "building the native library"
  cmake -S "$ROOT/native" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$BUILD.log" 2>&1 || { cat "$BUILD.log"; die "cmake configure failed"; }
  cmake --build "$BUILD" -j"$(nproc)" >>"$BUILD.log" 2>&1 || { tail -50 "$BUILD.log"; die "native build failed (full log: $BUILD.log)"; }
  echo "$hash" >"$STAMP"
fi

say "building the .NET solution ($CONFIG)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build "$ROOT/Medley.slnx" -c "$CONFIG" -v quiet -nologo -clp:ErrorsOnly || die ".NET build failed"
