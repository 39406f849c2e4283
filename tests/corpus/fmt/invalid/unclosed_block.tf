resource "a" "b" {
