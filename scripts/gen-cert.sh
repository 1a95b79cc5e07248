#!/usr/bin/env bash
# Makes a self-signed certificate and key for localhost / 127.0.0.1 (for eddy --tls-cert/--tls-key).
# usage: scripts/gen-cert.sh [DIR]   (writes DIR/cert.pem and DIR/key.pem; default: .eddy/tls)
set -euo pipefail
dir=${1:-.eddy/tls}
mkdir -p "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 825 \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
echo "wrote $dir/cert.pem and $dir/key.pem"
echo "run:   eddy serve --tls-cert $dir/cert.pem --tls-key $dir/key.pem"
echo "trust: AWS_CA_BUNDLE=$dir/cert.pem aws --endpoint-url https://localhost:4566 ..."
