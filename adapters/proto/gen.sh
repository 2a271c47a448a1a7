#!/usr/bin/env bash
# Regenerates the Go code of every .proto file in adapters/proto into
# adapters/proto/adaptersv1. Needs protoc 3.21.x (Debian protobuf-compiler)
# and the pinned code generators, installed into a private GOBIN when
# missing:
#   protoc-gen-go      v1.36.12
#   protoc-gen-go-grpc v1.6.2
# Usage: adapters/proto/gen.sh [OUTDIR]   (OUTDIR defaults to the repo root;
# check.sh regenerates into a temporary directory and compares).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root}"

PROTOC_GEN_GO=v1.36.12
PROTOC_GEN_GO_GRPC=v1.6.2

if ! command -v protoc >/dev/null 2>&1; then
  echo "gen.sh: protoc not found: apt-get install -y protobuf-compiler (3.21.x)" >&2
  exit 2
fi
case "$(protoc --version)" in
  "libprotoc 3.21."*) ;;
  *) echo "gen.sh: want protoc 3.21.x, have $(protoc --version)" >&2; exit 2 ;;
esac

bin="${SSJ_PROTOC_GOBIN:-${XDG_CACHE_HOME:-$HOME/.cache}/ssj-protoc-gen}"
mkdir -p "$bin"
want_go="protoc-gen-go $PROTOC_GEN_GO"
if [ ! -x "$bin/protoc-gen-go" ] || [ "$("$bin/protoc-gen-go" --version 2>/dev/null)" != "$want_go" ]; then
  GOBIN="$bin" go install "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO"
fi
want_grpc="protoc-gen-go-grpc ${PROTOC_GEN_GO_GRPC#v}"
if [ ! -x "$bin/protoc-gen-go-grpc" ] || [ "$("$bin/protoc-gen-go-grpc" --version 2>/dev/null)" != "$want_grpc" ]; then
  GOBIN="$bin" go install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@$PROTOC_GEN_GO_GRPC"
fi

cd "$here"
mapfile -t protos < <(ls -1 *.proto | LC_ALL=C sort)
PATH="$bin:$PATH" protoc -I . \
  --go_out="$out" --go_opt=module=github.com/shuangsuiji/ssj \
  --go-grpc_out="$out" --go-grpc_opt=module=github.com/shuangsuiji/ssj \
  "${protos[@]}"
