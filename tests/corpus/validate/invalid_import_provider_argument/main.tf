import {
  to       = terraform_data.x
  id       = "a"
  provider = "terraform"
}
import {
  to = aws_s3_bucket.y
  id = "b"
}
import {
  to       = terraform_data.z
  id       = "c"
  provider = terraform.nope
}
resource "terraform_data" "x" {}
