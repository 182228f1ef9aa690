"""Facts printed in the source report, shared by the tests as reference values.

昆明市残联2022年残疾人养老保险补助经费支出社会公众满意度调查问卷: 41 questionnaires handed out, 41 valid
ones returned; ten questions of 10 points; every answer is A 非常满意 or B 满意.
"""

REPORT_RESPONDENTS = 41

#: A answers per question as printed in the report; the rest of the 41 answered B.
REPORT_A_COUNTS = [34, 33, 33, 33, 32, 31, 33, 34, 33, 32]

REPORT_QUESTION_TEXTS = [
    "您对该项目2022年工作的总体评价是：",
    "您认为该项目在做好昆明市城乡残疾人社会养老保险补助经费，对残疾人进行资格审核及补助内容真实性审核方面做得如何：",
    "您认为该项目在做好资金分配，实施精准补助，做到补助资金“公平公正公开”方面做得如何：",
    "您对该项目在严格工作程序，实施本人申请，村、乡镇、县三级审核方面做得如何：",
    "您认为该项目在符合条件的残疾人参保覆盖率方面做得如何：",
    "您认为该项目在促进残疾人建立健全社会保障体系认知度方面做得如何：",
    "您认为该项目在基层单位做好台账管理，被补助人信息完整、准确方面做得如何：",
    "您认为该项目在做好补助资金专款专用，无挪用、超范围、超标准使用方面做得如何：",
    "您认为该项目在流程管理，如残疾人本人申请、三级审核、公示、发放等流程规范化方面做得如何：",
    "您认为该项目在实施政务公开，项目政策、申请流程、被补助人员事项按规范公示等方面做得如何：",
]
