locals {
  count = var.enabled?1:0
  name = var.name!=""?var.name:"default"
  nested = var.a ? (var.b ? "ab" : "a") : var.c ? "c" : "none"
  multi_line = (
    var.environment == "prod"
    ? "m5.large"
    : "t3.micro"
  )
  compare = var.x>=10&&var.y<=20||!var.z
}
