in = [for  x in [
  {for k, v in x[0]: k => null...}[local.a[ 0  ] ] ,

[for x in null[  local.local  ]	:"${	x[0] }" if x]
]  :	46  > bb(


)	- [ # c
x.0	,

<<-EOT
  line ${ in.in }
  EOT
	,
	] if x] // t
  local= null
    count=	(
<<EOT
  line ${ { } }
EOT

)
	count lbl "l" {
	}
