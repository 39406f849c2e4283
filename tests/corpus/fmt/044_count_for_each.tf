resource "aws_iam_user" "u" {
  for_each = toset(var.users)
  name = each.value
  path = "/system/"
}
resource "aws_eip" "e" {
  count = var.create ? length(var.instances) : 0
  instance = var.instances[count.index]
  domain = "vpc"
}
