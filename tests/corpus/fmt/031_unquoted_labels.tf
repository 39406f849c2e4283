resource aws_instance web {
  ami = "x"
}
data aws_ami "ubuntu" {
  most_recent = true
}
provider aws {
  region = "us-east-1"
}
module   "spaced"    {
  source = "./m"
}
resource "escaped" "a\u0041b" {}
resource "dollar" "a$${b}" {}
