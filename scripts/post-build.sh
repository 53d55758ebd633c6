#!/usr/bin/env bash
# trunk post_build hook (see Trunk.toml): the work is in post-build.mjs.
exec node "$(dirname "$0")/post-build.mjs"
