resource "aws_instance" "x" {
  instance_type = var.env == "prod" ? (
    "m5.large"
  ) : "t3.micro"
  count = (
    var.create
    &&
    var.enabled
  ) ? 1 : 0
  ami = (var.ami != null
    ? var.ami
  : data.aws_ami.default.id)
}
