"""Stream servers on loopback for the capture tests: RTSP, HLS, MJPEG/JPEG and the faulty ones."""
