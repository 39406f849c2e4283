module "m" {
  source = "./m"
}
import {
  to       = terraform_data.x
  id       = "a"
  provider = "terraform"
}
import {
  to = aws_s3_bucket.y
  id = "b"
}
