locals {
	foo = "bar" # crlf comment
	baz_long = 1
}

output "x" {
  value=local.foo
}
