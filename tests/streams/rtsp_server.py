"""A tiny RTSP server for tests: gst-rtsp-server serving a test pattern at rtsp://127.0.0.1:<port>/cam.

Run with Debian's /usr/bin/python3 (python3-gi, gir1.2-gst-rtsp-server-1.0): the project's venv has
no GObject bindings. Binds a free port and prints "PORT <n>" on stdout once it serves; stops on
SIGTERM or when stdin closes (so it dies with the test run that started it).

    /usr/bin/python3 tests/streams/rtsp_server.py [--pattern ball|black] [--width 320] [--height 240]
"""

import argparse
import signal
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pattern", default="smpte")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--fps", type=int, default=10)
    parser.add_argument("--mount", default="/cam")
    args = parser.parse_args()
    Gst.init(None)
    # H.264 when x264enc is installed (plugins-ugly), as real cameras send; RTP/JPEG otherwise.
    if Gst.ElementFactory.find("x264enc"):
        encode = (
            f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={args.fps} "
            "! rtph264pay name=pay0 pt=96 config-interval=1"
        )
    else:
        encode = "jpegenc quality=80 ! rtpjpegpay name=pay0 pt=26"
    launch = (
        f"( videotestsrc is-live=true pattern={args.pattern} horizontal-speed=4 "
        f"! video/x-raw,width={args.width},height={args.height},framerate={args.fps}/1 "
        f"! videoconvert ! {encode} )"
    )
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service("0")
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch)
    factory.set_shared(True)
    server.get_mount_points().add_factory(args.mount, factory)
    if server.attach(None) == 0:
        print("ERROR attach failed", flush=True)
        return 1
    loop = GLib.MainLoop()
    print(f"PORT {server.get_bound_port()}", flush=True)

    def watch_stdin() -> None:
        sys.stdin.read()
        GLib.idle_add(loop.quit)

    threading.Thread(target=watch_stdin, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: GLib.idle_add(loop.quit))
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    loop.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
