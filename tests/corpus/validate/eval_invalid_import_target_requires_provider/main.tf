import {
  to = aws_s3_bucket.y
  id = "b"
}
