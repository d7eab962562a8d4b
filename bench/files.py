"""Evidence files in the benchmark suite (`suite.py --files`): uploading and downloading a
5 MB file through the service against Debian's nginx doing the same from disk in the same
run (its own configuration on a free port: WebDAV `PUT` to store, `sendfile` to serve),
and the service's memory while 16 clients upload 20 MB each at once.

Standard library only; nginx is installed from Debian's packages when missing.
"""

import http.client
import json
import os
import re
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

FIVE_MB = 5 * 1000 * 1000
TWENTY_MB = 20 * 1000 * 1000
CHUNK = 1 << 16


def payload(size):
    """A PDF-looking file of `size` bytes: its head makes the service accept it."""
    head = b"%PDF-1.4\n"
    return head + os.urandom(size - len(head))


class Nginx:
    """Debian's nginx on a free port, serving `root` and taking `PUT`s into it."""

    def __init__(self, port):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="inovik-bench-nginx-"))
        self.root = self.dir / "www"
        (self.root / "files").mkdir(parents=True)
        temp = {name: self.dir / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        for path in temp.values():
            path.mkdir()
        # nginx's workers run as another user (www-data) when started by root: they read
        # the files, write the uploads and keep request bodies here.
        for path in (self.dir, self.root):
            path.chmod(0o755)
        for path in (self.root / "files", *temp.values()):
            path.chmod(0o777)
        conf = self.dir / "nginx.conf"
        conf.write_text(f"""
daemon off;
worker_processes 2;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {temp['body']};
    proxy_temp_path {temp['proxy']};
    fastcgi_temp_path {temp['fastcgi']};
    uwsgi_temp_path {temp['uwsgi']};
    scgi_temp_path {temp['scgi']};
    server {{
        listen 127.0.0.1:{port};
        root {self.root};
        client_max_body_size 25m;
        location /files/ {{
            dav_methods PUT;
            create_full_put_path on;
        }}
    }}
}}
""")
        self.process = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(self.dir)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                connection.request("GET", "/files/")
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit(f"nginx did not start; {self.dir}/error.log")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def install_nginx(run):
    if subprocess.run(["which", "nginx"], capture_output=True).returncode != 0:
        apt = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run(["apt-get", "update", "-q"], env=apt)
        run(["apt-get", "install", "-y", "-q", "nginx-light"], env=apt)


def multipart(content):
    """The upload form around `content`: (head, tail, boundary)."""
    boundary = f"inovik-bench-{uuid.uuid4().hex}"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nreport\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nbench\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"bench.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head, tail, boundary


def send(port, method, path, content, headers, form=False):
    """One request with `content` streamed in chunks; answers (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    if form:
        head, tail, boundary = multipart(content)
        headers = dict(headers, **{"Content-Type": f"multipart/form-data; boundary={boundary}"})
        parts = [head, content, tail]
    else:
        parts = [content]
    length = sum(len(part) for part in parts)
    connection.putrequest(method, path)
    for name, value in dict(headers, **{"Content-Length": str(length)}).items():
        connection.putheader(name, value)
    connection.endheaders()
    for part in parts:
        view = memoryview(part)
        for start in range(0, len(view), CHUNK):
            connection.send(view[start:start + CHUNK])
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return answer.status, body


def uploads_per_second(do_upload, clients, seconds):
    """`clients` threads uploading one after another for `seconds`: uploads per second."""
    deadline = time.monotonic() + seconds
    done, failed = [], []

    def client():
        while time.monotonic() < deadline:
            status = do_upload()
            (done if status in (200, 201, 204) else failed).append(status)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"rate": len(done) / elapsed, "errors": len(failed)}


def downloads(wrk_run, url, headers, connections, seconds):
    """wrk against `url`: requests and megabytes per second."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "20s"]
    for header in headers:
        command += ["-H", header]
    output = wrk_run(command + [url])
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rate": rate, "mib_s": rate * FIVE_MB / 2**20,
            "errors": int(errors.group(1)) if errors else 0}


def measure(service, token, run, rounds, seconds, connections=8, clients=4):
    """The file scenarios against `service` (the suite's, running) and nginx."""
    install_nginx(run)
    nginx = Nginx(_free_port())
    try:
        auth = {"Authorization": f"Bearer {token}"}
        five = payload(FIVE_MB)
        status, body = send(service.port, "POST", "/api/v1/innovations/1/documents", five,
                            auth, form=True)
        if status != 201:
            raise SystemExit(f"uploading the 5 MB file failed: {status} {body[:300]!r}")
        document = json.loads(body)
        content = f"{service.base}/api/v1/innovations/1/documents/{document['id']}/content"
        (nginx.root / "files" / "five.bin").write_bytes(five)
        results = {"download": {"ours": [], "nginx": []}, "upload": {"ours": [], "nginx": []}}
        for round_number in range(rounds):
            # BENCH_FILES_PERF=<path>: perf samples the service during the first download
            # round (`perf report -i <path>` shows where the time goes).
            profile = os.environ.get("BENCH_FILES_PERF") if round_number == 0 else None
            perf = profile and subprocess.Popen(
                ["perf", "record", "-F", "499", "-g", "-p", str(service.process.pid),
                 "-o", profile, "--", "sleep", str(seconds)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            results["download"]["ours"].append(downloads(
                run, content, [f"Authorization: Bearer {token}"], connections, seconds))
            if perf:
                perf.wait()
            results["download"]["nginx"].append(downloads(
                run, f"http://127.0.0.1:{nginx.port}/files/five.bin", [], connections, seconds))
            # The same file each time: the service stores it once (its hash names it) and
            # nginx overwrites it, so a run does not fill the disk.
            results["upload"]["ours"].append(uploads_per_second(
                lambda: send(service.port, "POST", "/api/v1/innovations/1/documents",
                             five, auth, form=True)[0], clients, seconds))
            results["upload"]["nginx"].append(uploads_per_second(
                lambda: send(nginx.port, "PUT", "/files/upload.bin", five, {})[0],
                clients, seconds))
        results["concurrent_uploads"] = concurrent_memory(service, auth)
        return results
    finally:
        nginx.stop()


def concurrent_memory(service, auth, clients=16):
    """The service's peak memory while `clients` upload 20 MB each at once."""
    files = [payload(TWENTY_MB) for _ in range(clients)]
    rss_before = service.rss_mib("VmRSS")
    service.reset_peak_rss()
    statuses = []

    def client(content):
        statuses.append(send(service.port, "POST", "/api/v1/innovations/1/documents", content,
                             auth, form=True)[0])

    threads = [threading.Thread(target=client, args=(content,)) for content in files]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"clients": clients, "seconds": time.monotonic() - started,
            "rss_before": rss_before, "peak_rss": service.rss_mib("VmHWM"),
            "errors": sum(1 for status in statuses if status != 201)}


def report_lines(results):
    """The report's section on files."""
    def median(runs, key):
        return statistics.median(run[key] for run in runs)

    down_ours = median(results["download"]["ours"], "rate")
    down_nginx = median(results["download"]["nginx"], "rate")
    up_ours = median(results["upload"]["ours"], "rate")
    up_nginx = median(results["upload"]["nginx"], "rate") or float("nan")
    down_nginx = down_nginx or float("nan")
    memory = results["concurrent_uploads"]
    return [
        "### Evidence files (5 MB), against nginx from disk in the same run", "",
        "| | inovik | nginx | inovik / nginx |", "|---|---:|---:|---:|",
        f"| download, req/s (wrk -c8) | {down_ours:,.1f} | {down_nginx:,.1f} | {down_ours / down_nginx:.2f} |",
        f"| upload, files/s (4 clients; nginx: WebDAV PUT) | {up_ours:,.1f} | {up_nginx:,.1f} | {up_ours / up_nginx:.2f} |",
        "",
        f"{memory['clients']} concurrent 20 MB uploads: {memory['seconds']:.1f} s, RSS "
        f"{memory['rss_before']:.0f} MiB before, peak {memory['peak_rss']:.0f} MiB "
        f"(+{memory['peak_rss'] - memory['rss_before']:.0f} MiB), {memory['errors']} errors.", "",
    ]


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
